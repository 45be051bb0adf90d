// 0005: the audit log becomes a Merkle tree (issue 18). Every entry gets its RFC 6962 leaf, SHA-256(0x00 ‖ entry
// bytes), where the entry bytes are the canonical JSON its chain hash is computed over. The signed tree
// checkpoints are not written here (a migration holds no key): at its first start with the new code, the service
// pins its checkpoint key in the data directory and signs the required checkpoints, only if the chain and its
// old (JWS) checkpoints verify; the old checkpoints stay and are still verified.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../policies/shared/canonical-digest.js';
import type { Migration } from './migration.js';

/** An audit entry as this migration reads it (self-contained: never the current model). */
interface EntryBefore {
  _id: number;
  at: Date;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  prevHash: string;
  leaf?: string;
}

/** Entries per read and per saved progress. */
const BATCH = 100;

/** The leaf of one stored entry, hex. */
export function leafOfStoredEntry(entry: EntryBefore): string {
  const { _id: seq, type, actor, data, prevHash } = entry;
  const bytes = canonicalJson({ seq, at: entry.at.toISOString(), type, actor, data, prevHash });
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes, 'utf8')
    .digest('hex');
}

export const auditMerkleLeaves: Migration = {
  version: 5,
  name: 'audit-merkle-leaves',
  async up(ctx) {
    const entries = ctx.db.collection<EntryBefore>('audit_log');
    let after = (ctx.progress as { after?: number } | undefined)?.after ?? 0;
    for (;;) {
      const batch = await entries
        .find({ _id: { $gt: after } })
        .sort({ _id: 1 })
        .limit(BATCH)
        .toArray();
      if (batch.length === 0) return;
      for (const entry of batch) {
        // Idempotent: entries done before a crash, or written by the new code, already have their leaf. One update
        // per entry: FerretDB 1.24 runs a multi-update bulkWrite far slower than the same updates one by one.
        if (entry.leaf !== undefined) continue;
        await entries.updateOne({ _id: entry._id }, { $set: { leaf: leafOfStoredEntry(entry) } });
      }
      after = batch.at(-1)!._id;
      await ctx.saveProgress({ after });
    }
  },
};
