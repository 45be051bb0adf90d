// Import of a health app's export (Apple Health, Google Fit Takeout): spool the body to a temporary file, read it
// once to check it (nothing is stored if a record's unit is unknown or its date in the future, or the file is
// damaged), then read it again and store per batch through the vault's one store path (sealing, deduplication,
// chunking). A batched import of a huge file is not one transaction: it is idempotent and resumable instead — a
// retry with the same Idempotency-Key, or a plain re-upload, stores only what is still missing.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { openJson, sealJson, type Binding } from '../../crypto/aead.js';
import { InvalidRequest } from '../../errors.js';
import type { UploadIdempotency } from '../upload-idempotency.js';
import type { VaultStore } from '../vault-store.js';
import { IDEMPOTENCY_COLLECTION } from '../vault.model.js';
import { withSpooledBody } from './import-spool.js';
import { runImport, type ImportTally } from './import-run.js';
import { importSource, type ImportFormat, type SourceLimits } from './import-sources.js';

export interface ImportOptions extends SourceLimits {
  /** Where bodies are spooled (a fresh folder per import, deleted afterwards). */
  tempDir: string;
  /** Largest accepted body (413 `payload_too_large` above, while streaming). */
  bodyLimitBytes: number;
  /** Observations stored per batch: what memory holds at once. */
  batchSize: number;
}

export interface ImportDeps {
  store: VaultStore;
  idempotency: UploadIdempotency;
  dataKeyOf(memberId: string): Promise<Buffer>;
  options: ImportOptions;
}

export interface ImportResult {
  format: ImportFormat;
  /** Valid observations found (daily totals counted once per day). */
  received: number;
  stored: number;
  duplicates: number;
  skipped: Record<string, number>;
  refused: Record<string, number>;
  replayed: boolean;
}

/** Imports a health app's export for the member; a repeated Idempotency-Key with the same body replays the result. */
export async function importObservations(
  deps: ImportDeps,
  memberId: string,
  input: { format: ImportFormat; body: Readable },
  idempotencyKey: string | undefined,
  now: Date,
): Promise<ImportResult> {
  const key = await deps.dataKeyOf(memberId);
  const spool = { dir: deps.options.tempDir, limitBytes: deps.options.bodyLimitBytes, fingerprintKey: key };
  return withSpooledBody(input.body, spool, async (file) => {
    const source = importSource(input.format, file.path, deps.options);
    refuseUntrusted(await runImport(source, { now, batchSize: deps.options.batchSize }));
    const storeAll = async () =>
      present(
        input.format,
        await runImport(source, {
          now,
          batchSize: deps.options.batchSize,
          store: (batch) => deps.store.store(memberId, key, batch),
        }),
      );
    if (idempotencyKey === undefined) return { ...(await storeAll()), replayed: false };

    const id = `${memberId}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
    const fingerprint = `import:${input.format}:${file.fingerprint}`;
    const binding: Binding = { collection: IDEMPOTENCY_COLLECTION, recordId: id, memberId, schemaVersion: 1 };
    const start = await deps.idempotency.begin(id, memberId, fingerprint, now);
    if ('replay' in start)
      return { ...openJson<Omit<ImportResult, 'replayed'>>(key, start.replay, binding), replayed: true };
    let result: Omit<ImportResult, 'replayed'>;
    try {
      result = await storeAll();
    } catch (error) {
      await start.run.fail(now);
      throw error;
    }
    await start.run.succeed(sealJson(key, result, binding));
    return { ...result, replayed: false };
  });
}

/** A type whose unit is unknown or whose records are dated in the future refuses the whole import. */
function refuseUntrusted(tally: ImportTally): void {
  const entries = Object.entries(tally.refusing);
  if (entries.length === 0) return;
  throw new InvalidRequest(
    'invalid_import',
    'Nothing was stored: some records have an unknown unit or a date in the future.',
    entries.map(([typeAndCode, count]) => {
      const [type, code] = typeAndCode.split(': ') as [string, string];
      const what = code === 'unknown_unit' ? 'have a unit this service does not know' : 'are dated in the future';
      return { field: type, code, message: `${count} record${count === 1 ? '' : 's'} ${what}` };
    }),
  );
}

function present(format: ImportFormat, tally: ImportTally): Omit<ImportResult, 'replayed'> {
  return {
    format,
    received: tally.read,
    stored: tally.stored,
    duplicates: tally.duplicates,
    skipped: tally.skipped,
    refused: tally.refused,
  };
}
