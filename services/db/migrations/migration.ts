// What a migration is: a numbered, named, idempotent change of the stored format, run once per database.
import type { mongo } from 'mongoose';

/** What a migration's `up` receives: the database, a log line, and the progress a crashed predecessor saved. */
export interface MigrationContext {
  db: mongo.Db;
  log(message: string): void;
  /** What the last interrupted attempt of this migration saved with `saveProgress` (undefined on a first run). */
  readonly progress: unknown;
  /**
   * Saves how far this attempt got (small JSON: e.g. the last `_id` done), so a successor after a crash resumes
   * there. Throws MigrationLeaseLost when another runner has taken this migration over: stop at once.
   */
  saveProgress(progress: unknown): Promise<void>;
  /**
   * Unwraps a member's data key (from `users.wrappedKey`) with the master key, for migrations that seal members'
   * records; absent where the runner was given no key (a migration that needs one then refuses to run).
   */
  readonly memberKey?: ((memberId: string, wrapped: Buffer) => Buffer) | undefined;
}

/**
 * One change of the stored format. `up` must be idempotent (running it again after a crash at any point, even
 * from older progress, ends in the same state) because a runner can die between any two of its writes.
 */
export interface Migration {
  /** 1, 2, 3 … in the order they run; never reused, never renumbered once released. */
  version: number;
  /** Short kebab-case name, the file's name without the number: `baseline`, `membership-status`. */
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}
