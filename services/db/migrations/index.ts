// The migrations of Datacoop, in order. A change of the stored format adds one file and one line here
// (docs/migrations.md says how); released entries are never edited, renumbered or removed.
import { baseline } from './0001-baseline.js';
import { admittedMembers } from './0002-admitted-members.js';
import { budgetedInsights } from './0003-budgeted-insights.js';
import { proxiesAndDiscussion } from './0004-proxies-and-discussion.js';
import { auditMerkleLeaves } from './0005-audit-merkle-leaves.js';
import { accountLocale } from './0006-account-locale.js';
import { appAuthorisation } from './0007-app-authorisation.js';
import { chunkSummaries } from './0008-chunk-summaries.js';
import { insightCohortSize } from './0009-insight-cohort-size.js';
import type { Migration } from './migration.js';

export const MIGRATIONS: readonly Migration[] = [
  baseline,
  admittedMembers,
  budgetedInsights,
  proxiesAndDiscussion,
  auditMerkleLeaves,
  accountLocale,
  appAuthorisation,
  chunkSummaries,
  insightCohortSize,
];

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
