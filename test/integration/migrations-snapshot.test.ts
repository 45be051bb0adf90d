// Upgrading a real database: the snapshot that Datacoop 0.1.0 wrote (fixtures/snapshots/0.1.0, made by
// fixtures/snapshots/make-snapshot.ts) is loaded into a fresh database, migrated, and read through the API.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatabase } from '../../fixtures/snapshots/snapshot-files.js';
import {
  listAllObservations,
  observationsDigest,
  SNAPSHOT_MASTER_KEY,
  type SnapshotExpectations,
} from '../../fixtures/snapshots/snapshot-expectations.js';
import { ballotListDigest, tallyFromBallotList } from '../../policies/assembly/ballot-receipts.js';
import { memberKeyOpener } from '../../services/crypto/keyring.js';
import { connectDatabase } from '../../services/db/connection.js';
import {
  appliedMigrations,
  MIGRATIONS,
  runMigrations,
  type MigrationReport,
} from '../../services/db/migrations/index.js';
import { createTestApp, testDatabaseUri, type TestApp } from '../helpers/test-app.js';

const snapshot = fileURLToPath(new URL('../../fixtures/snapshots/0.1.0', import.meta.url));
const expected = JSON.parse(readFileSync(`${snapshot}/expected.json`, 'utf8')) as SnapshotExpectations;

let app: TestApp;
let loader: Connection;
let report: MigrationReport;
let loaded: Record<string, number>;

const call = async (method: string, path: string, token?: string) => {
  const response = await app.request(method, path, token === undefined ? {} : { token });
  expect(response.status, `${method} ${path}: ${response.text}`).toBe(200);
  return response.body;
};
const login = async (email: string) => {
  const response = await app.request('POST', '/api/auth/login', { body: { email, password: expected.password } });
  expect(response.status, `${email}: ${response.text}`).toBe(200);
  return response.body.accessToken as string;
};

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  loader = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  loaded = await loadDatabase(loader.db!, snapshot);
  report = await runMigrations(loader.db!, MIGRATIONS, { memberKey: memberKeyOpener(SNAPSHOT_MASTER_KEY) });
  // The app on the upgraded database, as in production; its own start-up finds nothing left to migrate.
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' }, { dbName, masterKey: SNAPSHOT_MASTER_KEY });
});
afterAll(async () => {
  await app?.close();
  await loader?.close();
});

describe('a database written by Datacoop 0.1.0, after the migrations', () => {
  it('was a complete cooperative with no schema record, and is now at the newest schema version', async () => {
    expect(loaded).toMatchObject({ users: expected.members.length + 2, vault_chunks: expect.any(Number) });
    expect(loaded.schema_migrations).toBeUndefined();
    expect(expected.masterKeyBase64).toBe(SNAPSHOT_MASTER_KEY.toString('base64'));
    expect(report.applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(report.schemaVersion).toBe(MIGRATIONS.length);
    expect((await appliedMigrations(app.connection.db!)).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('lets every member log in and decrypts every observation of every member, listed and exported', async () => {
    for (const member of expected.members) {
      const token = await login(member.email);
      const listed = await listAllObservations(call, token);
      expect(listed.length, member.email).toBe(member.observations);
      expect(observationsDigest(listed), member.email).toBe(member.observationsDigest);
      const exported = await call('GET', '/api/me/export?format=json', token);
      expect(exported.observations, member.email).toHaveLength(member.observations);
    }
  });

  it('gives every chunk of a living member a sealed summary, and the series from them match the raw path (migration 8)', async () => {
    const db = app.connection.db!;
    const chunks = await db.collection<{ _id: string; member: string }>('vault_chunks').find({}).toArray();
    const summarised = new Set(
      (await db.collection<{ _id: string }>('vault_summaries').find({}).toArray()).map((s) => s._id),
    );
    const users = await db.collection<{ _id: string }>('users').find({}).toArray();
    const living = new Set(users.map((u) => u._id));
    const own = chunks.filter((c) => living.has(c.member));
    expect(own.length).toBeGreaterThan(0);
    // 0.1.0 never raced two uploads into one month here, so no chunk repeats another: every one is summarised.
    for (const chunk of own) expect(summarised.has(chunk._id), chunk._id).toBe(true);
    for (const member of expected.members.slice(0, 3)) {
      const token = await login(member.email);
      const listed = (await listAllObservations(call, token)) as unknown as { category: string }[];
      const category = listed[0]!.category;
      const series = await call('GET', `/api/me/series?category=${category}&bucket=month`, token);
      const count = series.points.reduce((sum: number, p: { count: number }) => sum + p.count, 0);
      expect(count, member.email).toBe(listed.filter((o) => o.category === category).length);
    }
  });

  it('reads every consent history as it was', async () => {
    for (const member of expected.members) {
      const read = await call('GET', '/api/me/consent', await login(member.email));
      // Since 0.1.0 each version also says what it changed (computed when read, nothing stored): the rest is as it was.
      const { history, ...rest } = read as { history: { changes: unknown[] }[] };
      const stripped = { ...rest, history: history.map(({ changes: _changes, ...version }) => version) };
      expect(stripped, member.email).toEqual(member.consent);
      for (const version of history) expect(Array.isArray(version.changes), member.email).toBe(true);
    }
  });

  it('keeps every member of 0.1.0 an admitted member since their joinedAt, with voting rights (migration 2)', async () => {
    const users = loader.db!.collection<{ _id: string; role: string; membership?: { joinedAt: Date } }>('users');
    const joined = new Map(
      (await users.find({ role: 'member' }).toArray()).map((u) => [u._id, u.membership!.joinedAt]),
    );
    for (const member of expected.members) {
      const me = await call('GET', '/api/me', await login(member.email));
      const joinedAt = joined.get(me.id)!.toISOString();
      expect(me.memberSince, member.email).toBe(joinedAt);
      expect(me.membership, member.email).toEqual({
        status: 'admitted',
        votingRights: true,
        appliedAt: joinedAt,
        decidedAt: joinedAt,
        identityMethod: 'before-admission',
      });
    }
    const register = await call('GET', '/api/steward/members?status=admitted', await login('steward@snapshot.example'));
    expect(register.members).toHaveLength(expected.members.length);
    const pending = await call('GET', '/api/steward/members?status=applicant', await login('steward@snapshot.example'));
    expect(pending.members).toEqual([]);
  });

  it('keeps erased members erased', async () => {
    for (const email of expected.erased) {
      const response = await app.request('POST', '/api/auth/login', { body: { email, password: expected.password } });
      expect(response.status).toBe(401);
    }
  });

  it('recomputes the ballot list of every closed proposal to its published digest and totals', async () => {
    const steward = await login('steward@snapshot.example');
    for (const proposal of expected.proposals) {
      const results = await call('GET', `/api/proposals/${proposal.id}/results`, steward);
      expect(results.status).toBe(proposal.status);
      expect(results.result.totals).toEqual(proposal.totals);
      expect(results.result.ballotListDigest).toBe(proposal.ballotListDigest);
      expect(ballotListDigest(results.result.ballots)).toBe(proposal.ballotListDigest);
      const { yes, no, abstain } = proposal.totals;
      expect(tallyFromBallotList(results.result.ballots)).toEqual({ yes, no, abstain });
    }
  });

  it('verifies the audit log, with the checkpoints signed before the upgrade', async () => {
    const verified = await call('GET', '/api/audit/verify', await login('steward@snapshot.example'));
    expect(verified).toMatchObject({ valid: true, problems: [] });
    expect(verified.entries).toBeGreaterThanOrEqual(expected.audit.entries);
    // Verifying writes no checkpoint (issue 12): the ones signed before the upgrade are all still there.
    expect(verified.checkpoints).toBeGreaterThanOrEqual(expected.audit.checkpoints);
  });

  it('compares a member with the cohort on the upgraded database, every insight record in one shape (migrations 3, 9)', async () => {
    const member = expected.members[0]!;
    const insight = await call('GET', '/api/me/insights?category=heart-rate', await login(member.email));
    expect(insight).toHaveProperty('cohort');
    if (insight.suppressed) expect(insight.cohort).toBeNull();
    else expect(insight.cohort.members).toBeGreaterThanOrEqual(11);
    const records = await app.connection.db!.collection('cohort_insights').find({}).toArray();
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.category, String(record._id)).toEqual(expect.any(String));
      for (const component of record.components) expect(component).toHaveProperty('count');
    }
  });

  it("keeps the researcher's history and answers a new query under the approved policy", async () => {
    const token = await login(expected.researcher.email);
    expect((await call('GET', '/api/research/queries', token)).queries).toHaveLength(expected.researcher.queries);
    const answer = await app.request('POST', '/api/research/queries', {
      token,
      body: { policyId: expected.researcher.policyId, category: 'body-weight', statistic: 'count', groupBy: ['sex'] },
    });
    expect(answer.status, answer.text).toBe(200);
  });
});
