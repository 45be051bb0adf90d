// Scenario B: the service is killed (SIGKILL) in the middle of 1,000 concurrent uploads carrying Idempotency-Keys,
// started again, and every upload is retried with the same key and body. Nothing acknowledged is lost, no upload is
// half visible, nothing is stored twice, every retry ends in 2xx, and the audit chain still verifies.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedChunks, monthsOf, openSealedChunk } from '../../services/vault/index.js';
import { insertMembers } from '../helpers/builders.js';
import {
  freshScenario,
  KillableDatabase,
  loginToken,
  mapLimit,
  openDirect,
  request,
  ServiceProcess,
  sleep,
  type DirectAccess,
  type Reply,
} from './harness.js';

const MEMBERS = 20;
const UPLOADS = 1_000;
/** Each upload: four heart rates and two body weights in one month, so it writes two chunks. */
const HEART_RATES = 4;
const WEIGHTS = 2;
const PER_UPLOAD = HEART_RATES + WEIGHTS;
/** The service is killed once this many uploads have been acknowledged, or after KILL_AFTER_MS at the latest. */
const KILL_AFTER_ACKS = 50;
const KILL_AFTER_MS = 90_000;
/** Retries run this many at a time, as a fleet of clients coming back would. */
const RETRY_CONCURRENCY = 25;
const PASSWORD = 'resilience password 2026';
const DAY = 86_400_000;

interface Upload {
  index: number;
  member: number;
  key: string;
  text: string;
  /** `category|effectiveAt|value` of each observation. */
  signatures: string[];
}

let database: KillableDatabase;
let direct: DirectAccess;
let service: ServiceProcess | undefined;
let masterKey: Buffer;
let uri: string;
let members: { id: string; email: string }[];
let steward: { email: string };

/**
 * Upload i: member i mod 20, the member's j-th upload covering month j since January 2022 (heart rates and weights,
 * so two chunks committed together). Each upload has its own month, as when a member uploads a history file by
 * file, so the test measures crashes rather than the duplicate check: an upload into a month that already holds k
 * chunks opens all k, each read by id a scan of the chunk collection on FerretDB.
 */
function buildUpload(index: number): Upload {
  const member = index % MEMBERS;
  const month = Math.floor(index / MEMBERS);
  const start = Date.UTC(2022, month, 1, 8, 0, 0);
  const observations = [
    ...Array.from({ length: HEART_RATES }, (_, k) => ({
      category: 'heart-rate',
      value: 50 + ((index * 7 + k) % 60),
      unit: '/min',
      effectiveAt: new Date(start + k * DAY).toISOString(),
    })),
    ...Array.from({ length: WEIGHTS }, (_, k) => ({
      category: 'body-weight',
      value: 60 + ((index + k) % 40) / 2,
      unit: 'kg',
      effectiveAt: new Date(start + (HEART_RATES + k) * DAY).toISOString(),
    })),
  ];
  return {
    index,
    member,
    key: `resilience-${index}-${randomBytes(6).toString('hex')}`,
    text: JSON.stringify({ observations }),
    signatures: observations.map((o) => `${o.category}|${o.effectiveAt}|${o.value}`),
  };
}

function send(baseUrl: string, token: string, upload: Upload, timeoutMs = 120_000): Promise<Reply> {
  return request(baseUrl, 'POST', '/api/me/observations', {
    token,
    rawBody: upload.text,
    headers: { 'content-type': 'application/json', 'idempotency-key': upload.key },
    timeoutMs,
  });
}

/** Reads the stored rows until two reads a quarter second apart agree. */
async function settledRows(): Promise<string[][]> {
  let previous = await storedRows();
  for (let attempt = 0; attempt < 40; attempt++) {
    await sleep(250);
    const current = await storedRows();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the stored rows kept changing for 10 s after the service was killed');
}

/**
 * What is committed for each member, read straight from the database and decrypted: every row of every chunk their
 * newest directory lists, without de-duplication, through the vault's bulk read (one read per category).
 */
async function storedRows(): Promise<string[][]> {
  const { vault } = direct.services;
  const categories = ['heart-rate', 'body-weight'];
  const from = new Date('2000-01-01T00:00:00.000Z');
  const to = new Date('2100-01-01T00:00:00.000Z');
  const sealed = await Promise.all(
    categories.map((category) => vault.sealedCohort({ category, months: monthsOf(from, to) })),
  );
  return mapLimit(members, 4, async ({ id: memberId }) => {
    const member = { id: memberId, key: await vault.memberKey(memberId) };
    const rows: string[] = [];
    categories.forEach((category, c) => {
      const { directories, chunks } = sealed[c]!;
      for (const ref of listedChunks(directories, [member], category, from, to).get(memberId) ?? []) {
        const document = chunks.get(ref.id);
        expect(document, `chunk ${ref.id} listed but missing`).toBeDefined();
        for (const o of openSealedChunk(member, document!)) rows.push(`${o.category}|${o.effectiveAt}|${o.value}`);
      }
    });
    return rows;
  });
}

beforeAll(async () => {
  database = await KillableDatabase.start();
  const scenario = freshScenario('service_kill');
  masterKey = scenario.masterKey;
  uri = database.uri(scenario.dbName);
  direct = await openDirect(uri, masterKey);
  members = await insertMembers(direct, MEMBERS, { joinedAt: new Date(Date.now() - DAY), password: PASSWORD });
  steward = { email: `steward-${randomBytes(4).toString('hex')}@example.org` };
  await direct.services.members.createSteward(
    { email: steward.email, password: PASSWORD, name: 'Resilience Steward' },
    new Date(),
  );
  service = await ServiceProcess.start({ mongoUri: uri, masterKey });
});

afterAll(async () => {
  await service?.kill();
  await direct?.close();
  await database?.stop();
});

describe('killing the service during 1,000 concurrent uploads with Idempotency-Keys', () => {
  it(
    'loses nothing acknowledged, leaves no partial or doubled upload, and every retry succeeds',
    { timeout: 480_000 },
    async () => {
      const first = service!;
      const tokens = await mapLimit(members, 4, (m) => loginToken(first.baseUrl, m.email, PASSWORD));
      const uploads = Array.from({ length: UPLOADS }, (_, i) => buildUpload(i));

      // 1. All at once; SIGKILL once KILL_AFTER_ACKS have been acknowledged.
      const firstReplies = new Map<number, Reply>();
      let acked = 0;
      let killed: Promise<void> | undefined;
      const started = Date.now();
      const killTimer = setTimeout(() => (killed ??= first.kill()), KILL_AFTER_MS);
      const outcomes = await Promise.all(
        uploads.map(async (upload) => {
          try {
            const reply = await send(first.baseUrl, tokens[upload.member]!, upload);
            firstReplies.set(upload.index, reply);
            if (reply.status >= 200 && reply.status < 300 && ++acked >= KILL_AFTER_ACKS) killed ??= first.kill();
            return reply.status;
          } catch {
            return 'no answer' as const; // the connection died with the process
          }
        }),
      );
      clearTimeout(killTimer);
      await killed;
      console.log(`[B] errors logged by the killed service: ${JSON.stringify(first.errorLines().slice(0, 3))}`);
      const acknowledged = [...firstReplies].filter(([, r]) => r.status >= 200 && r.status < 300);
      const unanswered = outcomes.filter((o) => o === 'no answer').length;
      console.log(
        `[B] ${acknowledged.length} acknowledged before the kill at ${Date.now() - started} ms; ` +
          `${unanswered} unanswered; other statuses before the kill: ` +
          JSON.stringify(countBy([...firstReplies.values()].map((r) => r.status).filter((s) => s >= 300))),
      );
      expect(killed, 'the service was killed mid-way').toBeDefined();
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(unanswered, 'uploads were still running when the service was killed').toBeGreaterThan(0);
      // Before the kill: 201, or 503 with Retry-After when FerretDB's SQLite was too busy — never a 500.
      for (const [, reply] of firstReplies) {
        expect([201, 503], reply.text).toContain(reply.status);
        if (reply.status === 503) expect(reply.headers.get('retry-after')).toBeTruthy();
      }

      // 2. Right after the kill, straight from the database: every upload is all or nothing, acknowledged ones all.
      const expectedByMember = new Map<number, Set<string>>();
      for (const upload of uploads) {
        const set = expectedByMember.get(upload.member) ?? new Set<string>();
        upload.signatures.forEach((s) => set.add(s));
        expectedByMember.set(upload.member, set);
      }
      let visibleUploads = 0;
      let storedBeforeRetry = 0;
      // The killed process may have left writes in flight inside the database; they land (or not) within moments.
      // Count once the stored rows stop changing, so the accounting below compares against a settled state.
      const rowsAfterKill = await settledRows();
      for (let m = 0; m < MEMBERS; m++) {
        const rows = rowsAfterKill[m]!;
        storedBeforeRetry += rows.length;
        const present = new Set(rows);
        expect(present.size, `member ${m}: an observation is stored twice`).toBe(rows.length);
        for (const upload of uploads.filter((u) => u.member === m)) {
          const seen = upload.signatures.filter((s) => present.has(s)).length;
          expect([0, PER_UPLOAD], `upload ${upload.index} is partly visible (${seen}/${PER_UPLOAD})`).toContain(seen);
          if (firstReplies.get(upload.index)?.status === 201)
            expect(seen, `acknowledged ${upload.index}`).toBe(PER_UPLOAD);
          if (seen === PER_UPLOAD) visibleUploads++;
        }
      }
      console.log(`[B] after the kill: ${visibleUploads} uploads committed (${storedBeforeRetry} observations)`);

      // 3. Start again (same port) and retry every upload with its key and body until it is acknowledged.
      const restartedAt = Date.now();
      service = await ServiceProcess.start({ mongoUri: uri, masterKey, port: first.port });
      const second = service;
      console.log(`[B] service restarted and ready in ${Date.now() - restartedAt} ms`);
      const retryTokens = await mapLimit(members, 4, (m) => loginToken(second.baseUrl, m.email, PASSWORD));
      const retryStatuses: Record<string, number> = {};
      const retryStarted = Date.now();
      const deadline = retryStarted + 180_000;
      const finalReplies = await mapLimit(uploads, RETRY_CONCURRENCY, async (upload) => {
        for (;;) {
          const reply = await send(second.baseUrl, retryTokens[upload.member]!, upload, 60_000).catch(
            (error: Error) => error,
          );
          const label =
            reply instanceof Error
              ? reply.name
              : reply.status === 409
                ? `409 ${reply.body?.error?.code}`
                : String(reply.status);
          retryStatuses[label] = (retryStatuses[label] ?? 0) + 1;
          if (!(reply instanceof Error) && reply.status !== 409 && reply.status !== 503) return reply;
          // In progress (the killed attempt's lease has not run out yet) or busy: wait as told, then again.
          if (Date.now() > deadline) throw new Error(`upload ${upload.index} still not acknowledged: ${label}`);
          const retryAfter = reply instanceof Error ? 1 : Number(reply.headers.get('retry-after') ?? 1);
          await sleep(Math.min(5, retryAfter) * 1_000);
        }
      });
      console.log(`[B] retries finished in ${Date.now() - retryStarted} ms: ${JSON.stringify(retryStatuses)}`);
      console.log(`[B] errors logged by the restarted service: ${JSON.stringify(second.errorLines().slice(0, 3))}`);
      expect(second.errorLines(), 'unhandled errors in the restarted service').toEqual([]);
      for (const reply of finalReplies) expect(reply.status, reply.text).toBe(201);
      // An upload acknowledged before the kill answers its retry with the very same result, marked as a replay.
      for (const [index, reply] of acknowledged) {
        const retry = finalReplies[index]!;
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect({ ...retry.body, replayed: false }).toEqual(reply.body);
      }
      // A retry that ran the upload again stored only what was not committed yet: the stores reported before and
      // by the reruns never add up to more than the uploads hold (a rerun after a 503 may report 0 of its own).
      const rerun = finalReplies.filter((r) => r.body.replayed === false);
      const storedByRetries = rerun.reduce((sum, r) => sum + (r.body.stored as number), 0);
      expect(storedBeforeRetry + storedByRetries).toBeLessThanOrEqual(UPLOADS * PER_UPLOAD);
      // Without any 503 on the way, the reports add up exactly.
      if (Object.keys(retryStatuses).every((label) => label === '201' || label.startsWith('409'))) {
        expect(storedBeforeRetry + storedByRetries).toBe(UPLOADS * PER_UPLOAD);
      }

      // 4. Everything is there exactly once, readable and decrypted through the API and in the database.
      const rowsAtEnd = await storedRows();
      for (let m = 0; m < MEMBERS; m++) {
        const rows = rowsAtEnd[m]!;
        expect(new Set(rows).size, `member ${m}: stored twice`).toBe(rows.length);
        expect(new Set(rows)).toEqual(expectedByMember.get(m));
        const listed: string[] = [];
        for (const category of ['heart-rate', 'body-weight']) {
          const page = await request(second.baseUrl, 'GET', `/api/me/observations?category=${category}&limit=1000`, {
            token: retryTokens[m]!,
          });
          expect(page.status, page.text).toBe(200);
          expect(page.body.nextCursor).toBeNull();
          for (const o of page.body.observations) listed.push(`${o.category}|${o.effectiveAt}|${o.value}`);
        }
        expect(listed).toHaveLength(expectedByMember.get(m)!.size);
        expect(new Set(listed)).toEqual(expectedByMember.get(m));
      }

      // 5. The audit chain (log-ins before and after the kill) verifies.
      const stewardToken = await loginToken(second.baseUrl, steward.email, PASSWORD);
      const verified = await request(second.baseUrl, 'GET', '/api/audit/verify', { token: stewardToken });
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toMatchObject({ valid: true, problems: [] });
      expect(verified.body.entries).toBeGreaterThanOrEqual(2 * MEMBERS);
    },
  );
});

function countBy(values: (string | number)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}
