// Scenario A: the database is killed (SIGKILL) while members upload and vote. Data routes answer 503 with Retry-After
// within 3 s, the service stays live and reports not ready, recovers by itself within 10 s of the database's
// return (same port, same files, no restart of the service), and nothing it acknowledged is lost.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptFromSecret } from '../../policies/assembly/ballot-receipts.js';
import { buildAccessPolicy, insertMembers, issueAccessTokens } from '../helpers/builders.js';
import {
  freshScenario,
  KillableDatabase,
  mapLimit,
  openDirect,
  request,
  ServiceProcess,
  sleep,
  waitUntil,
  type Reply,
} from './harness.js';

const MEMBERS = 150;
const WORKERS = 6;
const PASSWORD = 'resilience password 2026';
const DAY = 86_400_000;
/** Stream this long before the kill, keep the database down this long. */
const BEFORE_KILL_MS = 3_000;
const OUTAGE_MS = 6_000;

type Operation =
  | { kind: 'upload'; member: number; key: string; text: string; signatures: string[] }
  | { kind: 'ballot'; member: number; choice: 'yes' | 'no' | 'abstain'; secret: string };

interface Outcome {
  operation: Operation;
  startedAt: number;
  endedAt: number;
  reply: Reply | Error;
}

let database: KillableDatabase;
let service: ServiceProcess | undefined;
let masterKey: Buffer;
let uri: string;
let members: { id: string; email: string }[];
/** Access tokens of the members, issued directly (150 Argon2 log-ins would take most of the test's time). */
let tokens: string[];
let proposalId: string;

beforeAll(async () => {
  database = await KillableDatabase.start();
  const scenario = freshScenario('database_kill');
  masterKey = scenario.masterKey;
  uri = database.uri(scenario.dbName);
  const direct = await openDirect(uri, masterKey);
  try {
    const now = new Date();
    members = await insertMembers(direct, MEMBERS, { joinedAt: new Date(now.getTime() - DAY), password: PASSWORD });
    const steward = await direct.services.members.createSteward(
      { email: `steward-${randomBytes(4).toString('hex')}@example.org`, password: PASSWORD, name: 'Steward' },
      now,
    );
    const draft = await direct.services.assembly.createDraft(
      {
        kind: 'access-policy',
        title: 'Step counts',
        summary: 'Weekly steps by region.',
        policy: buildAccessPolicy(now, { categories: ['steps'] }),
      },
      steward.id,
      now,
    );
    proposalId = draft.proposal._id;
    await direct.services.assembly.open(proposalId, new Date(now.getTime() + 7 * DAY + 3_600_000), steward.id, now);
    tokens = await issueAccessTokens(
      direct,
      members.map((m) => m.id),
      'member',
      now,
    );
  } finally {
    await direct.close();
  }
  service = await ServiceProcess.start({ mongoUri: uri, masterKey });
});

afterAll(async () => {
  await service?.kill();
  await database?.stop();
});

function perform(baseUrl: string, token: string, operation: Operation): Promise<Reply> {
  if (operation.kind === 'upload') {
    return request(baseUrl, 'POST', '/api/me/observations', {
      token,
      rawBody: operation.text,
      headers: { 'content-type': 'application/json', 'idempotency-key': operation.key },
      timeoutMs: 20_000,
    });
  }
  return request(baseUrl, 'POST', `/api/proposals/${proposalId}/ballots`, {
    token,
    body: { choice: operation.choice, secret: operation.secret },
    timeoutMs: 20_000,
  });
}

const isAck = (reply: Reply | Error): reply is Reply => !(reply instanceof Error) && reply.status < 300;

describe('killing the database during a stream of uploads and ballots', () => {
  it('answers 503 fast, stays live, recovers without a restart, and loses nothing acknowledged', async () => {
    const running = service!;

    // The stream: each worker alternates an upload (a member's next month) and a ballot (the next member's first).
    let nextUpload = 0;
    let nextVoter = 0;
    const monthsUsed = new Map<number, number>();
    const nextOperation = (i: number): Operation => {
      if (i % 2 === 0 || nextVoter >= MEMBERS) {
        const member = nextUpload++ % MEMBERS;
        const month = monthsUsed.get(member) ?? 0;
        monthsUsed.set(member, month + 1);
        const observations = [0, 1, 2].map((k) => ({
          category: 'heart-rate',
          value: 55 + ((member + month + k) % 40),
          unit: '/min',
          effectiveAt: new Date(Date.UTC(2023, month, 1 + k, 7)).toISOString(),
        }));
        return {
          kind: 'upload',
          member,
          key: `stream-${member}-${month}`,
          text: JSON.stringify({ observations }),
          signatures: observations.map((o) => `${o.effectiveAt}|${o.value}`),
        };
      }
      const member = nextVoter++;
      return {
        kind: 'ballot',
        member,
        choice: (['yes', 'no', 'abstain'] as const)[member % 3]!,
        secret: randomBytes(32).toString('hex'),
      };
    };
    const outcomes: Outcome[] = [];
    let streaming = true;
    const stream = Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        for (let i = w; streaming; i += WORKERS) {
          const operation = nextOperation(i);
          const startedAt = Date.now();
          const reply = await perform(running.baseUrl, tokens[operation.member]!, operation).catch(
            (error: Error) => error,
          );
          outcomes.push({ operation, startedAt, endedAt: Date.now(), reply });
          // Back off as told while the database is away, as a client would.
          if (!(reply instanceof Error) && reply.status === 503) await sleep(250);
        }
      }),
    );

    await sleep(BEFORE_KILL_MS);
    const killedAt = Date.now();
    await database.kill();
    console.log(`[A] database killed after ${outcomes.length} operations`);
    await sleep(1_000);

    // While it is down: live yes, ready no (both answered quickly).
    const live = await request(running.baseUrl, 'GET', '/health/live', { timeoutMs: 3_000 });
    expect(live.status).toBe(200);
    const ready = await request(running.baseUrl, 'GET', '/health/ready', { timeoutMs: 5_000 });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ database: 'down' });
    expect(ready.ms).toBeLessThan(3_000);
    const me = await request(running.baseUrl, 'GET', '/api/me', { token: tokens[0]!, timeoutMs: 5_000 });
    expect(me.status).toBe(503);
    expect(me.ms).toBeLessThan(3_000);

    await sleep(Math.max(0, killedAt + OUTAGE_MS - Date.now()));
    const restartedAt = Date.now();
    await database.restart();
    const databaseBackMs = Date.now() - restartedAt;
    // Recovery, measured from the moment the database accepts connections again.
    const back = Date.now();
    const recoveryMs = await waitUntil(
      'the service answers a data route with 200 again',
      async () =>
        (await request(running.baseUrl, 'GET', '/api/me', { token: tokens[0]!, timeoutMs: 3_000 })).status === 200,
      10_000,
    );
    const readyMs = await waitUntil(
      '/health/ready is 200 again',
      async () => (await request(running.baseUrl, 'GET', '/health/ready', { timeoutMs: 3_000 })).status === 200,
      10_000 - recoveryMs,
    );
    console.log(
      `[A] database back in ${databaseBackMs} ms; data routes 200 again ${recoveryMs} ms later, ready ${readyMs} ms after that`,
    );
    // Let the stream run on the recovered service for a moment, then stop it.
    const recoveredAt = Date.now();
    await sleep(2_000);
    streaming = false;
    await stream;
    expect(running.errorLines(), 'the service logged errors').toEqual([]);
    expect(running.isRunning(), 'the same service process recovered').toBe(true);

    // During the outage every data request failed fast and cleanly: 503 database_unavailable with Retry-After.
    const duringOutage = outcomes.filter((o) => o.startedAt > killedAt + 100 && o.endedAt < back);
    const outageReplies = duringOutage.map((o) => o.reply);
    expect(outageReplies.length).toBeGreaterThan(10);
    for (const reply of outageReplies) {
      expect(reply).not.toBeInstanceOf(Error);
      const r = reply as Reply;
      expect(r.status, r.text).toBe(503);
      expect(r.body.error.code).toBe('database_unavailable');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.ms, 'a 503 took too long').toBeLessThan(3_000);
      expect(r.text).not.toMatch(/Mongo|ECONNREFUSED|at .*\.ts/);
    }
    // Requests in flight when it died failed the same way (or had finished): no 500, no hang.
    const inFlight = outcomes.filter((o) => o.startedAt <= killedAt + 100 && o.endedAt >= killedAt);
    for (const { reply } of inFlight) {
      expect(reply).not.toBeInstanceOf(Error);
      expect([201, 200, 503]).toContain((reply as Reply).status);
    }
    for (const { reply } of outcomes) {
      expect(reply instanceof Error ? reply.message : (reply as Reply).status).not.toBe(500);
    }
    const before = outcomes.filter((o) => o.endedAt < killedAt && isAck(o.reply)).length;
    const after = outcomes.filter((o) => o.startedAt >= recoveredAt && isAck(o.reply)).length;
    const latencies = outageReplies.map((r) => (r as Reply).ms).sort((a, b) => a - b);
    console.log(
      `[A] ${outcomes.length} operations: ${before} acknowledged before the kill, ${outageReplies.length} during the ` +
        `outage (503 in ${Math.round(latencies[0]!)}–${Math.round(latencies.at(-1)!)} ms, median ` +
        `${Math.round(latencies[Math.floor(latencies.length / 2)]!)} ms), ${after} acknowledged after recovery`,
    );
    const slowest = (kind: Operation['kind']) =>
      Math.round(
        Math.max(0, ...duringOutage.filter((o) => o.operation.kind === kind).map((o) => (o.reply as Reply).ms)),
      );
    console.log(`[A] slowest 503 during the outage: upload ${slowest('upload')} ms, ballot ${slowest('ballot')} ms`);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);

    // Everything not acknowledged is retried (same key and body, same secret) until it is.
    const unacknowledged = outcomes.filter((o) => !isAck(o.reply));
    const retryStatuses: Record<string, number> = {};
    await mapLimit(unacknowledged, 8, async (outcome) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const reply = await perform(running.baseUrl, tokens[outcome.operation.member]!, outcome.operation);
        retryStatuses[reply.status] = (retryStatuses[reply.status] ?? 0) + 1;
        if (reply.status < 300) return;
        expect([409, 503], reply.text).toContain(reply.status);
        if (Date.now() > deadline) throw new Error(`still ${reply.status} after 60 s: ${reply.text}`);
        await sleep(Math.min(5, Number(reply.headers.get('retry-after') ?? 1)) * 1_000);
      }
    });
    console.log(`[A] retried ${unacknowledged.length} unacknowledged operations: ${JSON.stringify(retryStatuses)}`);

    // Nothing is lost: every upload's observations are listed, every ballot is in the box with its choice.
    const uploads = outcomes.flatMap((o) => (o.operation.kind === 'upload' ? [o.operation] : []));
    const expected = new Map<number, Set<string>>();
    for (const upload of uploads) {
      const set = expected.get(upload.member) ?? new Set<string>();
      upload.signatures.forEach((s) => set.add(s));
      expected.set(upload.member, set);
    }
    for (const [member, signatures] of expected) {
      const page = await request(running.baseUrl, 'GET', '/api/me/observations?limit=1000', {
        token: tokens[member]!,
      });
      expect(page.status, page.text).toBe(200);
      const listed = page.body.observations.map((o: any) => `${o.effectiveAt}|${o.value}`);
      expect(listed).toHaveLength(signatures.size);
      expect(new Set(listed)).toEqual(signatures);
    }
    const ballots = outcomes.flatMap((o) => (o.operation.kind === 'ballot' ? [o.operation] : []));
    const direct = await openDirect(uri, masterKey);
    try {
      const box = await direct.connection.db!.collection('ballot_box').find({ proposalId }).toArray();
      const register = await direct.connection.db!.collection('participation_register').find({ proposalId }).toArray();
      expect(box).toHaveLength(ballots.length);
      expect(register).toHaveLength(ballots.length);
      const choices = new Map(box.map((entry) => [String(entry._id), entry.choice]));
      for (const ballot of ballots) {
        expect(choices.get(`${proposalId}:${receiptFromSecret(ballot.secret)}`)).toBe(ballot.choice);
      }
    } finally {
      await direct.close();
    }
    console.log(`[A] recounted: ${uploads.length} uploads in ${expected.size} vaults, ${ballots.length} ballots`);
  });
});
