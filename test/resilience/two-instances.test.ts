// Scenario C: two service processes on one FerretDB, used at once through HTTP. Concurrent ballots for the same
// members on both, finalisation raced on both, and research queries racing for one ε budget on both stay exact:
// one ballot per member, one outcome that both report, and never more ε spent than the policy allows.
//
// Set-up goes through the service's own use cases in this process, on the same database, with back-dated
// instants instead of a test clock (the child processes read the real clock): the vote is opened as if seven days
// ago, so that it closes a few seconds from now; the research policy was requested, voted and counted "yesterday".
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotListDigest, receiptFromSecret, tallyFromBallotList } from '../../policies/assembly/ballot-receipts.js';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  insertMembers,
  issueAccessToken,
  issueAccessTokens,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers, verifiedResearcher } from '../integration/research-fixture.js';
import { freshScenario, KillableDatabase, request, ServiceProcess, sleep, type Reply } from './harness.js';

const DAY = 86_400_000;
const VOTERS = 40;
/** The vote closes this long after the ballots start: time enough for 80 concurrent ballots and 20 changes. */
const VOTING_LEFT_MS = 15_000;
const EPSILON_BUDGET = 1;
const QUERY_EPSILON = 0.3;
const QUERIES = 16;

let database: KillableDatabase;
/** The in-process view used for set-up and checks (its HTTP server is used only by the research fixture). */
let setup: TestApp;
let instances: [ServiceProcess, ServiceProcess] | undefined;
let stewardId: string;
let policyId: string;
let researcherId: string;

// Shared between the tests below, which run in order: the ballots, the budget race while the vote's grace period
// runs, then the count.
let proposalId: string;
let closesAt: number;
const expected = { yes: 0, no: 0, abstain: 0 };
const winningSecrets: string[] = [];

beforeAll(async () => {
  database = await KillableDatabase.start();
  const scenario = freshScenario('two_instances');
  const uri = database.uri(scenario.dbName);
  setup = await createTestApp(
    { LOGIN_MAX_ATTEMPTS_PER_IP: '1000' },
    { uri, dbName: scenario.dbName, masterKey: scenario.masterKey },
  );
  stewardId = (await createStewardAndLogin(setup)).id;
  // The research policy: members with data and consent, a verified researcher, request → vote → count, all back-dated
  // so that the policy has been active since about a day ago.
  setup.clock.advance(-8 * DAY);
  const researchMembers = await seedMembers(setup, 24);
  const researcher = await verifiedResearcher(setup, stewardId);
  researcherId = researcher.id;
  policyId = (await carryPolicy(setup, stewardId, researcher, researchMembers.slice(0, 6), { groupBy: [] })).policyId;
  expect(policyId).toBeTruthy();
  const env = { mongoUri: uri, masterKey: scenario.masterKey };
  instances = await Promise.all([ServiceProcess.start(env), ServiceProcess.start(env)]);
});

afterAll(async () => {
  await Promise.all(instances?.map((instance) => instance.kill()) ?? []);
  await setup?.close();
  await database?.stop();
});

describe('two service processes on one database', () => {
  it('take one ballot per member when both get a different one at the same instant, and changes on either', async () => {
    const [first, second] = instances!;
    const now = Date.now();
    const voters = await insertMembers(setup, VOTERS, { joinedAt: new Date(now - 30 * DAY) });
    // Opened "seven days ago" (the shortest window the bylaws allow), closing VOTING_LEFT_MS from now.
    closesAt = now + VOTING_LEFT_MS;
    const openedAt = new Date(closesAt - 168 * 3_600_000 - 60_000);
    const draft = await setup.services.assembly.createDraft(
      {
        kind: 'access-policy',
        title: 'Step counts',
        summary: 'Weekly steps by region.',
        policy: buildAccessPolicy(openedAt, { categories: ['steps'] }),
      },
      stewardId,
      openedAt,
    );
    proposalId = draft.proposal._id;
    await setup.services.assembly.open(proposalId, new Date(closesAt), stewardId, openedAt);
    const tokens = await issueAccessTokens(
      setup,
      voters.map((v) => v.id),
      'member',
      new Date(),
    );

    // Each member sends two different ballots (different secrets) at once, one to each instance.
    const secrets = voters.map(() => [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')] as const);
    const choices = voters.map((_, i) => [i % 4 === 0 ? 'yes' : 'no', i % 3 === 0 ? 'abstain' : 'no'] as const);
    const cast = (instance: ServiceProcess, i: number, choice: string, secret: string) =>
      request(instance.baseUrl, 'POST', `/api/proposals/${proposalId}/ballots`, {
        token: tokens[i]!,
        body: { choice, secret },
      });
    const pairs = await Promise.all(
      voters.map((_, i) =>
        Promise.all([cast(first, i, choices[i]![0], secrets[i]![0]), cast(second, i, choices[i]![1], secrets[i]![1])]),
      ),
    );
    const finalChoice: string[] = [];
    pairs.forEach((pair, i) => {
      const accepted = pair.filter((r) => r.status === 200);
      expect(accepted, `member ${i}: ${pair.map((r) => `${r.status} ${r.text}`).join(' / ')}`).toHaveLength(1);
      const refused = pair.find((r) => r.status !== 200)!;
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('ballot_secret_invalid');
      const winner = pair.indexOf(accepted[0]!);
      winningSecrets[i] = secrets[i]![winner]!;
      finalChoice[i] = choices[i]![winner]!;
    });
    // Half of the members change their ballot, on the instance that did not take it.
    const changes = await Promise.all(
      voters.slice(0, VOTERS / 2).map((_, i) => {
        const took = pairs[i]![0]!.status === 200 ? 0 : 1;
        finalChoice[i] = finalChoice[i] === 'no' ? 'abstain' : 'no';
        return cast(took === 0 ? second : first, i, finalChoice[i]!, winningSecrets[i]!);
      }),
    );
    for (const change of changes) {
      expect(change.status, change.text).toBe(200);
      expect(change.body.changed).toBe(true);
    }
    expect(Date.now(), 'the ballots took longer than the voting window left').toBeLessThan(closesAt);
    for (const choice of finalChoice) expected[choice as keyof typeof expected] += 1;
    const box = await setup.connection.db!.collection('ballot_box').find({ proposalId }).toArray();
    const register = await setup.connection.db!.collection('participation_register').find({ proposalId }).toArray();
    expect(box).toHaveLength(VOTERS);
    expect(register).toHaveLength(VOTERS);
    console.log(
      `[C] ${VOTERS} members, 2 ballots each at once on two instances, ${VOTERS / 2} changes: ${JSON.stringify(expected)}`,
    );
  });

  it('never lets queries on both instances spend more of a policy ε budget than it has', async () => {
    const [first, second] = instances!;
    const token = await issueAccessToken(setup, researcherId, 'researcher', new Date());
    const body = { policyId, category: 'heart-rate', statistic: 'count', epsilon: QUERY_EPSILON };
    const replies = await Promise.all(
      Array.from({ length: QUERIES }, (_, i) =>
        request((i % 2 === 0 ? first : second).baseUrl, 'POST', '/api/research/queries', { token, body }),
      ),
    );
    const allowed = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status !== 200);
    const affordable = Math.floor(EPSILON_BUDGET / QUERY_EPSILON + 1e-9);
    expect(allowed).toHaveLength(affordable);
    for (const reply of refused) {
      expect(reply.status, reply.text).toBe(409);
      expect(reply.body.error.code).toBe('budget_exhausted');
      expect(reply.body.results).toBeUndefined();
    }
    const allowedOn = [0, 1].map((k) => replies.filter((r, i) => i % 2 === k && r.status === 200).length);
    const ledger = await setup.connection.db!.collection('epsilon_ledger').find({ policyId }).sort({ n: 1 }).toArray();
    expect(ledger.map((entry) => entry.n)).toEqual(Array.from({ length: affordable }, (_, i) => i + 1));
    expect(ledger.at(-1)!.cumulativeMicro).toBe(Math.round(affordable * QUERY_EPSILON * 1_000_000));
    expect(Math.min(...allowed.map((r) => r.body.remainingEpsilon))).toBeCloseTo(
      EPSILON_BUDGET - affordable * QUERY_EPSILON,
      6,
    );
    console.log(
      `[C] ${QUERIES} queries of ε ${QUERY_EPSILON} on two instances against a budget of ${EPSILON_BUDGET}: ` +
        `${allowed.length} allowed (${allowedOn.join(' + ')} by instance), ${refused.length} refused; ` +
        `ledger ${ledger.length} entries`,
    );
  });

  it('write one outcome when both instances count at once, and both publish the same result', async () => {
    const [first, second] = instances!;
    // Bounded: the vote closed at most VOTING_LEFT_MS after the first test started, plus the grace period.
    const waitMs = closesAt + FINALISATION_GRACE_MS + 1_000 - Date.now();
    expect(waitMs).toBeLessThan(VOTING_LEFT_MS + FINALISATION_GRACE_MS + 1_000);
    await sleep(Math.max(0, waitMs));
    const token = await issueAccessToken(setup, stewardId, 'steward', new Date());
    const replies: Reply[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request((i % 2 === 0 ? first : second).baseUrl, 'GET', `/api/proposals/${proposalId}/results`, { token }),
      ),
    );
    for (const reply of replies) expect(reply.status, reply.text).toBe(200);
    const outcomes = await setup.connection
      .db!.collection('proposal_outcomes')
      .find({ _id: proposalId as never })
      .toArray();
    expect(outcomes).toHaveLength(1);
    const { result } = replies[0]!.body;
    for (const reply of replies) expect(reply.body.result).toEqual(result);
    expect(result.totals).toMatchObject({ ...expected, cast: VOTERS });
    expect(result.outcome).toBe('rejected');
    expect(result.ballots).toHaveLength(VOTERS);
    expect(tallyFromBallotList(result.ballots)).toEqual(expected);
    expect(ballotListDigest(result.ballots)).toBe(result.ballotListDigest);
    const published = new Set(result.ballots.map((b: { receipt: string }) => b.receipt));
    for (const secret of winningSecrets) expect(published.has(receiptFromSecret(secret))).toBe(true);
    console.log(
      `[C] 12 concurrent counts on two instances: 1 outcome (${result.outcome}), ${result.ballots.length} ballots`,
    );
  });
});
