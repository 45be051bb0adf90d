// The migrations of Datacoop, in order. A change of the stored format adds one file and one line here
// (docs/migrations.md says how); released entries are never edited, renumbered or removed.
import { baseline } from './0001-baseline.js';
import { admittedMembers } from './0002-admitted-members.js';
import { accountLocale } from './0003-account-locale.js';
import type { Migration } from './migration.js';

export const MIGRATIONS: readonly Migration[] = [baseline, admittedMembers, accountLocale];

/** The schema version this code reads and writes: the newest migration's. */
export const CODE_SCHEMA_VERSION = MIGRATIONS.length;

export type { Migration, MigrationContext } from './migration.js';
export {
  appliedMigrations,
  DatabaseNewerThanCode,
  MigrationFailed,
  runMigrations,
  type MigrationReport,
} from './migration-runner.js';
export { UnknownDatabaseFormat } from './0001-baseline.js';
