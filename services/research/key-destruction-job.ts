// Eager destruction of pseudonym keys (issue 18): a policy's key must not outlive the policy until somebody happens
// to call an export or list policies. This job destroys the keys of every ended policy (expired at validUntil, or
// revoked) on a schedule, and on the embedded database then checkpoints FerretDB's SQLite WAL so that the wrapped
// key's old pages do not linger in the log. Backups taken before stay as they are (docs/security.md).
import type { Logger } from 'pino';
import { checkpointWal, type CheckpointResult } from '../db/wal-checkpoint.js';

export interface KeyDestructionDeps {
  research: { destroyEndedPolicyKeys(now: Date): Promise<number> };
  now: () => Date;
  /** The embedded database's SQLite file; null on MongoDB (its journal is the operator's to manage). */
  sqliteFile: string | null;
  log?: Pick<Logger, 'info' | 'warn'>;
}

export interface KeyDestructionRun {
  destroyed: number;
  checkpoint: CheckpointResult | null;
}

/** One run: destroy the keys of ended policies, then (only if one was destroyed) checkpoint the WAL. */
export async function destroyEndedKeysOnce(deps: KeyDestructionDeps): Promise<KeyDestructionRun> {
  const destroyed = await deps.research.destroyEndedPolicyKeys(deps.now());
  const checkpoint = destroyed > 0 && deps.sqliteFile ? checkpointWal(deps.sqliteFile) : null;
  if (destroyed > 0) deps.log?.info({ destroyed, checkpoint }, 'pseudonym keys of ended policies destroyed');
  if (checkpoint && !checkpoint.complete) deps.log?.warn('WAL checkpoint incomplete (busy); retried at the next run');
  return { destroyed, checkpoint };
}

/** Runs `destroyEndedKeysOnce` every `everyMs` (and once now); `stop()` ends it. Runs never overlap. */
export function startKeyDestructionJob(deps: KeyDestructionDeps, everyMs = 60_000): { stop(): void } {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    destroyEndedKeysOnce(deps)
      .catch((error: unknown) => deps.log?.warn({ err: error }, 'destroying ended policy keys failed; retried later'))
      .finally(() => (running = false));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
