// The audit log's anchor outside the database: a small file in the data directory (beside the master key) that pins
// the checkpoint verifier key and interval at first start and remembers the newest checkpoint this instance signed.
// Someone with access to the database alone can neither swap the key nor hide a checkpoint recorded here.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const anchorSchema = z.strictObject({
  verifierKey: z.string().min(1),
  checkpointEvery: z.number().int().positive(),
  latest: z.strictObject({ size: z.number().int().positive(), note: z.string().min(1) }).optional(),
});

export type AuditAnchor = z.infer<typeof anchorSchema>;

/** Raised at start-up when the anchor and the database disagree; its message is one sentence for the operator. */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/** The anchor in `path`, or null if there is none yet (first start); a damaged file is an error, never ignored. */
export function readAnchor(path: string): AuditAnchor | null {
  if (!existsSync(path)) return null;
  const parsed = anchorSchema.safeParse(safeJson(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new AuditKeyError(`the audit anchor ${path} is damaged; restore it from a backup.`);
  return parsed.data;
}

/** Replaces the anchor atomically (write beside it, then rename), so a crash leaves the old or the new one. */
export function writeAnchor(path: string, anchor: AuditAnchor): void {
  writeJsonAtomically(path, anchor);
}

/** Writes JSON beside `path` and renames it into place, readable by its owner only. */
export function writeJsonAtomically(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(staging, path);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
