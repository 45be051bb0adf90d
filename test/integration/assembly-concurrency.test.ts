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

const DAY = 86_400_000;
const VOTING = 7 * DAY + 3_600_000;

// Two service instances on one database, as behind a load balancer: each has its own clock, moved together.
let first: TestApp;
let second: TestApp;
let stewardId: string;

beforeAll(async () => {
  // The point here is exact counting under a burst of 500 ballots, not the overload refusal (its own test):
  // the in-flight bound is raised above the burst so every ballot reaches the assembly.
  const burst = { MAX_IN_FLIGHT_REQUESTS: '1000' };
  first = await createTestApp(burst);
  second = await createTestApp(burst, { dbName: first.connection.name, masterKey: first.masterKey });
  stewardId = (await createStewardAndLogin(first)).id;
});
afterAll(async () => {
  await second.close();
  await first.close();
});

function advanceBoth(ms: number) {
  first.clock.advance(ms);
  second.clock.advance(ms);
}

async function openProposal(app: TestApp): Promise<string> {
  const token = await issueAccessToken(app, stewardId, 'steward', app.clock.now());
  const created = await app.request('POST', '/api/proposals', {
    token,
    body: {
      kind: 'access-policy',
      title: 'Step counts',
      summary: 'Weekly steps by region.',
      policy: buildAccessPolicy(app.clock.now(), { categories: ['steps'] }),
    },
  });
  const id = created.body.id as string;
  const closesAt = new Date(app.clock.now().getTime() + VOTING).toISOString();
  const opened = await app.request('POST', `/api/proposals/${id}/open`, { token, body: { closesAt } });
  expect(opened.status, opened.text).toBe(200);
  return id;
}

describe('two instances finalising the same proposal', () => {
  it('write exactly one outcome, and every caller reads that one', async () => {
    const members = await insertMembers(first, 20, { joinedAt: new Date(first.clock.now().getTime() - DAY) });
    const id = await openProposal(first);
    const tokens = await issueAccessTokens(
      first,
      members.map((m) => m.id),
      'member',
      first.clock.now(),
    );
    await Promise.all(
      members.map((_, i) =>
        // Alternate instances: both write to the same register and box.
        (i % 2 === 0 ? first : second).request('POST', `/api/proposals/${id}/ballots`, {
          token: tokens[i],
          body: { choice: i % 3 === 0 ? 'no' : 'yes', secret: randomBytes(32).toString('hex') },
        }),
      ),
    );
    advanceBoth(VOTING + FINALISATION_GRACE_MS + 1_000);

    const attempts = await Promise.all(
      Array.from({ length: 16 }, (_, i) => {
        const app = i % 2 === 0 ? first : second;
        return app.services.assembly.finalise(id, app.clock.now());
      }),
    );
    const outcomes = await first.connection
      .collection('proposal_outcomes')
      .find({ _id: id as never })
      .toArray();
    expect(outcomes).toHaveLength(1);
    for (const outcome of attempts) expect(outcome).toEqual(outcomes[0]);
    expect(outcomes[0]).toMatchObject({ outcome: 'approved', totals: { yes: 13, no: 7, abstain: 0, cast: 20 } });

    const [viaFirst, viaSecond] = await Promise.all(
      [first, second].map(async (app) =>
        app.request('GET', `/api/proposals/${id}/results`, {
          token: await issueAccessToken(app, stewardId, 'steward', app.clock.now()),
        }),
      ),
    );
    expect(viaFirst!.body).toEqual(viaSecond!.body);
  });

  it('race on the results route itself with no outcome written yet', async () => {
    const id = await openProposal(second);
    advanceBoth(VOTING + FINALISATION_GRACE_MS + 1_000);
    const token1 = await issueAccessToken(first, stewardId, 'steward', first.clock.now());
    const token2 = await issueAccessToken(second, stewardId, 'steward', second.clock.now());
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? first : second).request('GET', `/api/proposals/${id}/results`, { token: i % 2 ? token1 : token2 }),
      ),
    );
    for (const response of responses)
      expect(response.body.result.finalisedAt).toBe(responses[0]!.body.result.finalisedAt);
    expect(await first.connection.collection('proposal_outcomes').countDocuments({ _id: id as never })).toBe(1);
  });
});

describe('500 members voting at once', () => {
  it('counts every ballot exactly once, including concurrent changes and forgeries', async () => {
    const members = await insertMembers(first, 500, { joinedAt: new Date(first.clock.now().getTime() - DAY) });
    const id = await openProposal(first);
    const tokens = await issueAccessTokens(
      first,
      members.map((m) => m.id),
      'member',
      first.clock.now(),
    );
    const secrets = members.map(() => randomBytes(32).toString('hex'));
    const choices = members.map((_, i) => (['yes', 'no', 'abstain'] as const)[i % 3]!);
    const cast = await Promise.all(
      members.map((_, i) =>
        (i % 2 === 0 ? first : second).request('POST', `/api/proposals/${id}/ballots`, {
          token: tokens[i],
          body: { choice: choices[i], secret: secrets[i] },
        }),
      ),
    );
    expect(cast.map((r) => r.status)).toEqual(members.map(() => 200));

    // 100 members change their mind while 50 others present forged secrets, all at once.
    const changes = await Promise.all([
      ...members.slice(0, 100).map((_, i) =>
        second.request('POST', `/api/proposals/${id}/ballots`, {
          token: tokens[i],
          body: { choice: 'yes', secret: secrets[i] },
        }),
      ),
      ...members.slice(100, 150).map((_, j) =>
        first.request('POST', `/api/proposals/${id}/ballots`, {
          token: tokens[100 + j],
          body: { choice: 'no', secret: randomBytes(32).toString('hex') },
        }),
      ),
    ]);
    expect(changes.slice(0, 100).every((r) => r.status === 200 && r.body.changed === true)).toBe(true);
    expect(changes.slice(100).every((r) => r.status === 403 && r.body.error.code === 'ballot_secret_invalid')).toBe(
      true,
    );

    for (let i = 0; i < 100; i++) choices[i] = 'yes';
    const expected = { yes: 0, no: 0, abstain: 0 };
    for (const choice of choices) expected[choice] += 1;

    advanceBoth(VOTING + FINALISATION_GRACE_MS + 1_000);
    const results = await second.request('GET', `/api/proposals/${id}/results`, {
      token: await issueAccessToken(second, members[0]!.id, 'member', second.clock.now()),
    });
    const { result } = results.body;
    expect(results.body.turnout).toBe(500);
    expect(result.totals).toMatchObject({ ...expected, cast: 500 });
    expect(result.ballots).toHaveLength(500);
    expect(tallyFromBallotList(result.ballots)).toEqual(expected);
    expect(ballotListDigest(result.ballots)).toBe(result.ballotListDigest);
    const published = new Map(result.ballots.map((b: { receipt: string; choice: string }) => [b.receipt, b.choice]));
    secrets.forEach((s, i) => expect(published.get(receiptFromSecret(s))).toBe(choices[i]));
    expect(result.participation).toHaveLength(500);
  });
});
