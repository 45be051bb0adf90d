// Runs the pending migrations of a database in order, each exactly once even with several instances starting at once.
//
// Coordination is by unique inserts only (see ../claims.ts: FerretDB 1.24 makes conditional updates and $inc
// non-atomic under concurrency). In the `schema_migrations` collection:
// - `attempt:<version>:<n>` — numbered attempt claims. Whoever inserts number n runs attempt n; only its runner ever
//   writes to it afterwards (lease renewals `renewedAt`, saved `progress`, `endedAt`), so those single-writer
//   updates need no atomicity. A runner that finds the newest attempt ended, or not renewed for longer than the
//   lease (its process died), claims n + 1 and runs the migration again from the saved progress.
// - `applied:<version>` — the record that the migration is done: version, name, time, Datacoop version. Inserted
//   once; its presence is what every runner checks first.
// A runner that finds a live attempt of another instance waits for it (polling) instead of failing.
import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { claimOnce } from '../claims.js';
import { datacoopVersion } from './datacoop-version.js';
import type { Migration, MigrationContext } from './migration.js';

export const MIGRATIONS_COLLECTION = 'schema_migrations';
/** How long a runner may stay silent before its attempt counts as dead and another instance takes over. */
export const MIGRATION_LEASE_MS = 30_000;

/** The record of an applied migration. */
export interface AppliedMigration {
  _id: string;
  kind: 'applied';
  version: number;
  name: string;
  appliedAt: Date;
  /** The Datacoop (package.json) version that applied it. */
  datacoopVersion: string;
  /** Which attempt finished it (1 unless an earlier one crashed or failed). */
  attempt: number;
}

interface AttemptDocument {
  _id: string;
  kind: 'attempt';
  version: number;
  runner: string;
  startedAt: Date;
  renewedAt: Date;
  progress?: unknown;
  endedAt?: Date;
  error?: string;
}

export interface MigrationReport {
  /** Migrations this call ran, in order. */
  applied: { version: number; name: string; ms: number }[];
  /** The database's schema version afterwards (the highest applied version). */
  schemaVersion: number;
}

export interface RunOptions {
  log?: (message: string) => void;
  leaseMs?: number;
  /** How often a waiting runner looks again (default half a second, or a tenth of a shorter lease). */
  pollMs?: number;
  datacoopVersion?: string;
  /** Unwraps members' data keys (keyring.ts `memberKeyOpener`), for migrations that seal members' records. */
  memberKey?: (memberId: string, wrapped: Buffer) => Buffer;
}

/** Raised when the database was migrated by a newer Datacoop: this code cannot read it safely. */
export class DatabaseNewerThanCode extends Error {
  override name = 'DatabaseNewerThanCode';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
    writtenBy: string,
  ) {
    super(
      `the database is at schema version ${databaseVersion} (migrated by Datacoop ${writtenBy}), but this Datacoop ` +
        `${datacoopVersion()} knows only up to version ${codeVersion}: upgrade Datacoop.`,
    );
  }
}

/** Raised when a migration's `up` throws; the attempt is ended so the next start retries it from its progress. */
export class MigrationFailed extends Error {
  override name = 'MigrationFailed';
  constructor(migration: Migration, cause: unknown) {
    super(
      `migration ${migration.version} (${migration.name}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** Raised inside a migration whose runner was presumed dead and has been replaced; its work is the successor's now. */
export class MigrationLeaseLost extends Error {
  override name = 'MigrationLeaseLost';
}

/** Checks that `migrations` is a well-formed list: versions 1, 2, 3 … in order, each with a name. */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1 || !/^[a-z0-9-]+$/.test(migration.name)) {
      throw new Error(`migration list out of order at position ${index + 1}: ${migration.version} ${migration.name}`);
    }
  });
}

/** The applied-migration records of a database, in version order. */
export async function appliedMigrations(db: mongo.Db): Promise<AppliedMigration[]> {
  const records = await db.collection<AppliedMigration>(MIGRATIONS_COLLECTION).find({ kind: 'applied' }).toArray();
  return records.sort((a, b) => a.version - b.version);
}

/** Brings the database up to the newest version in `migrations`; refuses a database newer than the list. */
export async function runMigrations(
  db: mongo.Db,
  migrations: readonly Migration[],
  options: RunOptions = {},
): Promise<MigrationReport> {
  assertMigrationList(migrations);
  const settings = {
    log: options.log ?? (() => {}),
    leaseMs: options.leaseMs ?? MIGRATION_LEASE_MS,
    pollMs: options.pollMs ?? Math.min(500, (options.leaseMs ?? MIGRATION_LEASE_MS) / 10),
    datacoopVersion: options.datacoopVersion ?? datacoopVersion(),
    runner: randomUUID(),
    memberKey: options.memberKey,
  };
  const collection = db.collection<AttemptDocument | AppliedMigration>(MIGRATIONS_COLLECTION);
  const known = migrations.length;
  const applied = await appliedMigrations(db);
  const newest = applied.at(-1);
  if (newest && newest.version > known) {
    throw new DatabaseNewerThanCode(newest.version, known, newest.datacoopVersion);
  }
  const done = new Set(applied.map((record) => record.version));
  const report: MigrationReport = { applied: [], schemaVersion: newest?.version ?? 0 };
  for (const migration of migrations) {
    if (!done.has(migration.version)) {
      const ran = await bringUp(db, collection, migration, settings);
      if (ran !== undefined) report.applied.push({ version: migration.version, name: migration.name, ms: ran });
    }
    report.schemaVersion = Math.max(report.schemaVersion, migration.version);
  }
  return report;
}

interface Settings {
  log: (message: string) => void;
  leaseMs: number;
  pollMs: number;
  datacoopVersion: string;
  runner: string;
  memberKey: ((memberId: string, wrapped: Buffer) => Buffer) | undefined;
}

type Records = mongo.Collection<AttemptDocument | AppliedMigration>;

/** Runs one migration unless another runner does (then waits for it); the run's duration, or undefined if not ours. */
async function bringUp(db: mongo.Db, records: Records, migration: Migration, settings: Settings) {
  let waiting = false;
  for (;;) {
    if (await records.findOne({ _id: appliedId(migration.version) })) return undefined;
    const previous = await newestAttempt(records, migration.version);
    const document = previous.document;
    const alive = document && !document.endedAt && Date.now() - document.renewedAt.getTime() < settings.leaseMs;
    if (alive) {
      if (!waiting) {
        settings.log(`waiting for migration ${migration.version} (${migration.name}), run by another instance`);
        waiting = true;
      }
      await sleep(settings.pollMs);
      continue;
    }
    const number = previous.number + 1;
    const now = new Date();
    const claimed = await claimOnce(asDocuments(records), attemptId(migration.version, number), {
      kind: 'attempt',
      version: migration.version,
      runner: settings.runner,
      startedAt: now,
      renewedAt: now,
      // Carried forward, so the newest attempt always holds the furthest progress.
      ...(document?.progress !== undefined && { progress: document.progress }),
    });
    if (!claimed) continue; // another runner took this number first; look again
    if (number > 1) settings.log(`resuming migration ${migration.version} (${migration.name}), attempt ${number}`);
    return runAttempt(db, records, migration, number, document?.progress, settings);
  }
}

/** Runs attempt `number` (claimed by us) while renewing its lease; records the migration as applied. */
async function runAttempt(
  db: mongo.Db,
  records: Records,
  migration: Migration,
  number: number,
  progress: unknown,
  settings: Settings,
): Promise<number> {
  const id = attemptId(migration.version, number);
  const started = Date.now();
  let lost = false;
  // Only this runner writes to its attempt, and one write at a time: on FerretDB an update is read → change →
  // write, so a heartbeat running beside a progress update could write the old progress back (the crash test
  // caught it). A successor's claim of number + 1 means we were presumed dead (a long pause): stop, never race it.
  let writes: Promise<unknown> = Promise.resolve();
  const write = (fields: Partial<AttemptDocument>) => {
    const next = writes.then(async () => {
      if (await records.findOne({ _id: attemptId(migration.version, number + 1) }, { projection: { _id: 1 } })) {
        lost = true;
        return;
      }
      await records.updateOne({ _id: id }, { $set: { ...fields, renewedAt: new Date() } });
    });
    writes = next.catch(() => {});
    return next;
  };
  const renew = () => write({});
  const heartbeat = setInterval(() => void renew().catch(() => {}), Math.max(50, settings.leaseMs / 3));
  heartbeat.unref();
  const context: MigrationContext = {
    db,
    log: (message) => settings.log(`migration ${migration.version} (${migration.name}): ${message}`),
    progress,
    memberKey: settings.memberKey,
    async saveProgress(value) {
      await write({ progress: value });
      if (lost) throw new MigrationLeaseLost(`migration ${migration.version} was taken over by another instance`);
    },
  };
  try {
    settings.log(`applying migration ${migration.version} (${migration.name})`);
    await migration.up(context);
    await renew();
    if (lost) throw new MigrationLeaseLost(`migration ${migration.version} was taken over by another instance`);
    await claimOnce(asDocuments(records), appliedId(migration.version), {
      kind: 'applied',
      version: migration.version,
      name: migration.name,
      appliedAt: new Date(),
      datacoopVersion: settings.datacoopVersion,
      attempt: number,
    });
    clearInterval(heartbeat);
    // Only bookkeeping now: the applied record is what counts.
    await write({ endedAt: new Date() }).catch(() => {});
    return Date.now() - started;
  } catch (error) {
    clearInterval(heartbeat);
    if (!lost) await write({ endedAt: new Date(), error: String(error).slice(0, 500) }).catch(() => {});
    throw error instanceof MigrationLeaseLost ? error : new MigrationFailed(migration, error);
  } finally {
    clearInterval(heartbeat);
  }
}

/** The highest-numbered attempt of a migration (number 0 and no document when there is none). */
async function newestAttempt(records: Records, version: number) {
  let number = 0;
  let document: AttemptDocument | null = null;
  for (;;) {
    const next = (await records.findOne({ _id: attemptId(version, number + 1) })) as AttemptDocument | null;
    if (!next) return { number, document };
    number += 1;
    document = next;
  }
}

const attemptId = (version: number, n: number) => `attempt:${version}:${n}`;
const appliedId = (version: number) => `applied:${version}`;
const asDocuments = (records: Records) => records as unknown as mongo.Collection<mongo.Document>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
