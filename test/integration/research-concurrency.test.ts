// The ε budget under concurrency: two service instances on one database race queries on one policy, and the
// ledger (numbered entries, unique inserts) never lets the sum of debits pass the budget.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpsilonLedger } from '../../services/research/index.js';
import { createStewardAndLogin, issueAccessToken, type InsertedMember } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers, verifiedResearcher } from './research-fixture.js';

let first: TestApp;
let second: TestApp;
let stewardId: string;
let members: InsertedMember[];
let researcher: Awaited<ReturnType<typeof verifiedResearcher>>;
let policyId: string;

const syncClocks = () => second.clock.advance(first.clock.now().getTime() - second.clock.now().getTime());

beforeAll(async () => {
  first = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  second = await createTestApp({}, { dbName: first.connection.name, masterKey: first.masterKey });
  stewardId = (await createStewardAndLogin(first)).id;
  members = await seedMembers(first, 24);
  researcher = await verifiedResearcher(first, stewardId);
  policyId = (await carryPolicy(first, stewardId, researcher, members.slice(0, 4), { groupBy: [] })).policyId;
  syncClocks();
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe('the ε budget across two instances', () => {
  it('lets exactly as many concurrent queries through as the budget pays for', async () => {
    const token = await researcher.token();
    const body = { policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.3 };
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? first : second).request('POST', '/api/research/queries', { token, body }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBe(3);
    expect(statuses.filter((s) => s === 409).length).toBe(9);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body.error.code).toBe('budget_exhausted');
      expect(refused.body.results).toBeUndefined();
    }
    const ledger = await first.connection.collection('epsilon_ledger').find({ policyId }).sort({ n: 1 }).toArray();
    expect(ledger.map((e) => e.n)).toEqual([1, 2, 3]);
    expect(ledger.at(-1)!.cumulativeMicro).toBe(900_000);
    const remaining = Math.min(...responses.filter((r) => r.status === 200).map((r) => r.body.remainingEpsilon));
    expect(remaining).toBeCloseTo(0.1, 6);
  });

  it('never overspends whatever the costs and interleaving (property, two connections)', async () => {
    const ledgers = [new EpsilonLedger(first.connection), new EpsilonLedger(second.connection)];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 100_000, max: 1_000_000 }),
        async (costs, budget) => {
          const id = `property-${run++}`;
          const results = await Promise.all(
            costs.map((cost, i) => ledgers[i % 2]!.debit(id, budget, cost, `q${i}`, new Date())),
          );
          const spent = costs.filter((_, i) => results[i]!.ok).reduce((a, b) => a + b, 0);
          expect(spent).toBeLessThanOrEqual(budget);
          const newest = await ledgers[0]!.newest(id);
          expect(newest.spentMicro).toBe(spent);
          expect(newest.n).toBe(results.filter((r) => r.ok).length);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('leaves a member out of the next answer once they leave the study (per-policy opt-out)', async () => {
    const member = members[5]!;
    const fresh = await carryPolicy(first, stewardId, researcher, members.slice(4, 8), {
      groupBy: [],
      title: 'Second study',
    });
    syncClocks();
    const token = await issueAccessToken(first, member.id, 'member', first.clock.now());
    const opted = await second.request('PUT', '/api/me/consent', {
      token,
      body: { categories: { 'heart-rate': 'aggregate' }, optedOutPolicies: [fresh.policyId] },
    });
    expect(opted.status, opted.text).toBe(200);
    const answer = await first.request('POST', '/api/research/queries', {
      token: await researcher.token(),
      body: { policyId: fresh.policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.1 },
    });
    expect(answer.status, answer.text).toBe(200);
    const log = await first.request('GET', '/api/me/access-log', { token });
    expect(log.body.entries.map((e: any) => e.queryId)).not.toContain(answer.body.queryId);
    const other = await first.request('GET', '/api/me/access-log', {
      token: await issueAccessToken(first, members[6]!.id, 'member', first.clock.now()),
    });
    expect(other.body.entries.map((e: any) => e.queryId)).toContain(answer.body.queryId);
  });
});
