// After a secret is deleted on the embedded database, its old pages may still sit in FerretDB's SQLite write-ahead
// log until SQLite checkpoints it. This copies the WAL into the database file and truncates it to zero bytes
// (PRAGMA wal_checkpoint(TRUNCATE)), from a second SQLite connection — safe beside the running FerretDB: SQLite's
// own file locks coordinate the two, and a checkpoint never changes what either connection reads.
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export interface CheckpointResult {
  /** False when a reader kept SQLite from finishing within the busy timeout: the WAL may still hold old pages. */
  complete: boolean;
  /** Frames in the WAL before the checkpoint. */
  frames: number;
}

/** Checkpoints and truncates the WAL of the SQLite file at `path`; null when there is no such file. */
export function checkpointWal(path: string, busyTimeoutMs = 5_000): CheckpointResult | null {
  if (!existsSync(path)) return null;
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    const row = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number; log: number } | undefined;
    return { complete: row?.busy === 0, frames: Math.max(0, row?.log ?? 0) };
  } finally {
    db.close();
  }
}
