import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import {
  appliedMigrations,
  DatabaseNewerThanCode,
  MIGRATIONS,
  MigrationFailed,
  runMigrations,
  type Migration,
} from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';
import { countedMigrations, STEPS, steppedMigration } from './step-migrations.js';

const embedded = !process.env.MONGODB_URI;
const opened: Connection[] = [];

/** A fresh database, and `count` connections to it (one per simulated service instance). */
async function freshDatabase(count = 1) {
  const { uri, dbName } = testDatabaseUri();
  const connections = await Promise.all(
    Array.from({ length: count }, () => connectDatabase(uri, { dbName, embedded })),
  );
  opened.push(...connections);
  return { uri, dbName, dbs: connections.map((c) => c.db!) };
}

afterEach(async () => {
  await opened[0]?.dropDatabase().catch(() => {});
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

async function executions(db: NonNullable<Connection['db']>) {
  return db.collection('executions').find({}).toArray();
}

describe('runMigrations', () => {
  it('applies the list in order and records version, name, time and Datacoop version', async () => {
    const { dbs } = await freshDatabase();
    const before = Date.now();
    const report = await runMigrations(dbs[0]!, countedMigrations(2, 'only'));
    expect(report).toMatchObject({ schemaVersion: 2, applied: [{ version: 1 }, { version: 2 }] });
    const records = await appliedMigrations(dbs[0]!);
    expect(
      records.map(({ version, name, datacoopVersion, attempt }) => ({ version, name, datacoopVersion, attempt })),
    ).toEqual([
      { version: 1, name: 'counted-1', datacoopVersion: '0.1.0', attempt: 1 },
      { version: 2, name: 'counted-2', datacoopVersion: '0.1.0', attempt: 1 },
    ]);
    expect(records[0]!.appliedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('applies nothing the second time', async () => {
    const { dbs } = await freshDatabase();
    await runMigrations(dbs[0]!, countedMigrations(2, 'first'));
    const again = await runMigrations(dbs[0]!, countedMigrations(2, 'second'));
    expect(again).toEqual({ applied: [], schemaVersion: 2 });
    expect(await executions(dbs[0]!)).toHaveLength(2);
  });

  it('runs only the migrations added since the last run', async () => {
    const { dbs } = await freshDatabase();
    await runMigrations(dbs[0]!, countedMigrations(1, 'old code'));
    const upgraded = await runMigrations(dbs[0]!, countedMigrations(3, 'new code'));
    expect(upgraded.applied.map((m) => m.version)).toEqual([2, 3]);
    expect((await executions(dbs[0]!)).map((e) => [e.version, e.runner])).toEqual([
      [1, 'old code'],
      [2, 'new code'],
      [3, 'new code'],
    ]);
  });

  it('runs each migration once when four instances start at the same time, and every one returns migrated', async () => {
    const { dbs } = await freshDatabase(4);
    const reports = await Promise.all(
      dbs.map((db, i) => runMigrations(db, countedMigrations(3, `instance ${i}`, 300), { leaseMs: 5_000 })),
    );
    const runs = await executions(dbs[0]!);
    expect(runs.map((r) => r.version).sort()).toEqual([1, 2, 3]);
    expect(reports.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual([1, 2, 3]);
    for (const report of reports) expect(report.schemaVersion).toBe(3);
    expect((await appliedMigrations(dbs[0]!)).map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it('makes a second instance wait for a running migration instead of failing', async () => {
    const { dbs } = await freshDatabase(2);
    const lines: string[] = [];
    const first = runMigrations(dbs[0]!, countedMigrations(1, 'first', 1_500), { leaseMs: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await runMigrations(dbs[1]!, countedMigrations(1, 'second'), {
      leaseMs: 3_000,
      pollMs: 100,
      log: (line) => lines.push(line),
    });
    expect(second).toEqual({ applied: [], schemaVersion: 1 });
    expect(lines).toContain('waiting for migration 1 (counted-1), run by another instance');
    // It returned only once the first instance had recorded the migration.
    expect(await appliedMigrations(dbs[1]!)).toHaveLength(1);
    await first;
    expect((await executions(dbs[0]!)).map((e) => e.runner)).toEqual(['first']);
  });

  it('refuses a database migrated by a newer Datacoop, in one sentence that says to upgrade', async () => {
    const { dbs } = await freshDatabase();
    await runMigrations(dbs[0]!, countedMigrations(3, 'newer code'), { datacoopVersion: '0.3.0' });
    const refusal = runMigrations(dbs[0]!, countedMigrations(2, 'older code'));
    await expect(refusal).rejects.toBeInstanceOf(DatabaseNewerThanCode);
    await expect(refusal).rejects.toThrow(
      'the database is at schema version 3 (migrated by Datacoop 0.3.0), but this Datacoop 0.1.0 knows only up to ' +
        'version 2: upgrade Datacoop.',
    );
    expect(await executions(dbs[0]!)).toHaveLength(3);
  });

  it('rejects a list whose versions are not 1, 2, 3 … in order', async () => {
    const { dbs } = await freshDatabase();
    const [one, two] = countedMigrations(2, 'x') as [Migration, Migration];
    await expect(runMigrations(dbs[0]!, [two, one])).rejects.toThrow('migration list out of order at position 1');
  });

  it('ends a failed attempt, and the next run resumes it from the saved progress', async () => {
    const { dbs } = await freshDatabase();
    const failing: Migration = {
      version: 1,
      name: 'stepped',
      async up(ctx) {
        await ctx.db
          .collection('effects')
          .updateOne({ _id: 'step-1' as never }, { $set: { step: 1 } }, { upsert: true });
        await ctx.saveProgress({ done: 1 });
        throw new Error('disk full');
      },
    };
    await expect(runMigrations(dbs[0]!, [failing])).rejects.toThrow(
      new MigrationFailed(failing, new Error('disk full')).message,
    );
    expect(await appliedMigrations(dbs[0]!)).toEqual([]);
    const report = await runMigrations(dbs[0]!, steppedMigration({ runner: 'retry', stepMs: 0 }));
    expect(report.applied.map((m) => m.version)).toEqual([1]);
    expect((await executions(dbs[0]!)).map((e) => e.step)).toEqual([2, 3, 4, 5, 6]);
    expect(await dbs[0]!.collection('effects').countDocuments()).toBe(STEPS);
    expect((await appliedMigrations(dbs[0]!))[0]!.attempt).toBe(2);
  });

  it('stops a runner that was taken over while paused, without recording the migration', async () => {
    const { dbs } = await freshDatabase();
    const records = dbs[0]!.collection('schema_migrations');
    const paused: Migration = {
      version: 1,
      name: 'paused',
      async up(ctx) {
        // Meanwhile another instance judged this runner dead and claimed the next attempt.
        await records.insertOne({ _id: 'attempt:1:2' as never, kind: 'attempt', version: 1, runner: 'successor' });
        await ctx.saveProgress({ done: 1 });
      },
    };
    await expect(runMigrations(dbs[0]!, [paused])).rejects.toThrow('migration 1 was taken over by another instance');
    expect(await appliedMigrations(dbs[0]!)).toEqual([]);
    expect(await records.findOne({ _id: 'attempt:1:1' as never })).not.toHaveProperty('endedAt');
  });

  it('finishes a migration exactly once after its process is killed halfway', async () => {
    const { uri, dbName, dbs } = await freshDatabase();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./crashing-runner.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          MIGRATION_TEST_URI: uri,
          MIGRATION_TEST_DB: dbName,
          MIGRATION_TEST_EMBEDDED: String(embedded),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('step 3')) resolve();
      });
      child.once('exit', () => reject(new Error(`runner exited before step 3: ${output}`)));
    });
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('finished');
    const lines: string[] = [];
    const report = await runMigrations(dbs[0]!, steppedMigration({ runner: 'second', stepMs: 0 }), {
      leaseMs: 1_000,
      pollMs: 100,
      log: (line) => lines.push(line),
    });

    expect(report.applied.map((m) => m.version)).toEqual([1]);
    expect(lines).toContain('resuming migration 1 (stepped), attempt 2');
    const runs = await executions(dbs[0]!);
    const byFirst = runs.filter((r) => r.runner === 'first').map((r) => r.step);
    const bySecond = runs.filter((r) => r.runner === 'second').map((r) => r.step);
    // Every step ran exactly once: the killed runner's saved steps were not repeated, the rest were done.
    expect(byFirst.sort()).toEqual([1, 2, 3]);
    expect(bySecond.sort()).toEqual([4, 5, 6]);
    expect(await dbs[0]!.collection('effects').countDocuments()).toBe(STEPS);
    expect((await appliedMigrations(dbs[0]!)).map(({ version, attempt }) => ({ version, attempt }))).toEqual([
      { version: 1, attempt: 2 },
    ]);
  });
});

describe('0001 baseline', () => {
  it('marks a new, empty database as version 1, and with the later migrations as the newest version', async () => {
    const { dbs } = await freshDatabase();
    expect(await runMigrations(dbs[0]!, MIGRATIONS.slice(0, 1))).toMatchObject({
      schemaVersion: 1,
      applied: [{ version: 1 }],
    });
    expect(await runMigrations(dbs[0]!, MIGRATIONS)).toMatchObject({
      schemaVersion: MIGRATIONS.length,
      applied: MIGRATIONS.slice(1).map(({ version }) => ({ version })),
    });
  });

  it.each([
    ['an account of another schema version', { schemaVersion: 2, wrappedKey: Buffer.of(1, 2), profile: Buffer.of(1) }],
    ['an account sealed in another format', { schemaVersion: 1, wrappedKey: Buffer.of(2, 2), profile: Buffer.of(1) }],
  ])('refuses a database with %s and records nothing', async (_, account) => {
    const { dbs } = await freshDatabase();
    await dbs[0]!.collection('users').insertOne({ _id: 'someone' as never, ...account });
    await expect(runMigrations(dbs[0]!, MIGRATIONS)).rejects.toThrow(
      /^migration 1 \(baseline\) failed: this database is not in the format of Datacoop 0\.1\.0 \(1 account/,
    );
    expect(await appliedMigrations(dbs[0]!)).toEqual([]);
  });
});
