// Only enactable motions reach the ballot (issue 12, item 3): drafting and opening check the motion against the
// bylaws in force and the state now; an approved motion that can no longer be enacted at its count says why.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  insertMembers,
  issueAccessToken,
  seedEnactedPolicy,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp, type TestResponse } from '../helpers/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let app: TestApp;
let stewardId: string;
let voters: InsertedMember[];

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  voters = await insertMembers(app, 4, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
});
afterAll(() => app.close());

const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const at = (offsetMs: number) => new Date(app.clock.now().getTime() + offsetMs).toISOString();
const stored = () => app.connection.db!.collection('proposals').countDocuments();

async function post(path: string, body: unknown): Promise<TestResponse> {
  return app.request('POST', path, { token: await asSteward(), body });
}

const accessPolicy = (policy: Record<string, unknown>) => ({
  kind: 'access-policy',
  title: 'Sleep study',
  summary: 'Sleep by region.',
  policy,
});
const revocation = (targetPolicyId: string) => ({
  kind: 'revoke-policy',
  title: 'Stop it',
  summary: 'Members asked.',
  targetPolicyId,
});

/** Opens a drafted proposal, lets every voter vote yes and moves past the count. */
async function approve(id: string, closesInMs: number): Promise<void> {
  const opened = await post(`/api/proposals/${id}/open`, { closesAt: at(closesInMs) });
  expect(opened.status, opened.text).toBe(200);
  for (const voter of voters) {
    const ballot = await app.request('POST', `/api/proposals/${id}/ballots`, {
      token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
      body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
    });
    expect(ballot.status, ballot.text).toBe(200);
  }
  app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);
}

describe('drafting refuses a motion that could not be enacted, storing nothing', () => {
  it.each([
    ['ε above the bylaws’ cap', { epsilonBudget: 100 }, 'policy.epsilonBudget', 'epsilon_above_bylaws'],
    ['cells below the bylaws’ floor', { minCellSize: 1 }, 'policy.minCellSize', 'min_cell_size_below_bylaws'],
    ['an unknown category', { categories: ['sleep'] }, 'policy.categories[0]', 'invalid_item'],
    ['an unknown statistic', { statistics: ['median'] }, 'policy.statistics[0]', 'invalid_item'],
    ['a validity already over', { validUntil: '2020-01-01T00:00:00.000Z' }, 'policy.validUntil', 'validity_ended'],
    ['an unknown field', { x: 1 }, 'policy.x', 'unknown_field'],
  ])('an access policy with %s → 400', async (_, overrides, field, code) => {
    const before = await stored();
    const response = await post('/api/proposals', accessPolicy(buildAccessPolicy(app.clock.now(), overrides)));
    expect(response.status, response.text).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toContainEqual(expect.objectContaining({ field, code }));
    expect(await stored()).toBe(before);
  });

  it('refuses a policy whose id is not the proposal’s target', async () => {
    const body = { ...accessPolicy(buildAccessPolicy(app.clock.now())), targetPolicyId: crypto.randomUUID() };
    const response = await post('/api/proposals', body);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'policy.id', code: 'policy_id_mismatch' }),
    );
  });

  it('refuses a replacement that is not a newer version of the policy in force', async () => {
    const { policy } = await seedEnactedPolicy(app);
    const response = await post('/api/proposals', accessPolicy({ ...policy, purpose: 'Changed.' }));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'policy.version', code: 'version_not_newer' }),
    );
    const newer = await post('/api/proposals', accessPolicy({ ...policy, version: 2 }));
    expect(newer.status, newer.text).toBe(201);
  });

  it.each([
    ['a random id that is no policy', async () => crypto.randomUUID()],
    ['an expired policy', async () => (await seedEnactedPolicy(app, { validUntil: at(-HOUR) })).policyId],
  ])('a revocation of %s → 409 policy_not_active', async (_, target) => {
    const targetPolicyId = await target();
    const before = await stored();
    const response = await post('/api/proposals', revocation(targetPolicyId));
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'policy_not_active',
      details: [expect.objectContaining({ field: 'targetPolicyId', code: 'policy_not_active' })],
    });
    expect(await stored()).toBe(before);
  });

  it('accepts a valid access policy and a revocation of a policy in force', async () => {
    expect((await post('/api/proposals', accessPolicy(buildAccessPolicy(app.clock.now())))).status).toBe(201);
    expect((await post('/api/proposals', revocation((await seedEnactedPolicy(app)).policyId))).status).toBe(201);
  });

  it('refuses an edit that breaks the policy, keeping the draft as it was', async () => {
    const drafted = await post('/api/proposals', accessPolicy(buildAccessPolicy(app.clock.now())));
    const policy = drafted.body.policy as Record<string, unknown>;
    const edit = await app.request('PATCH', `/api/proposals/${drafted.body.id}`, {
      token: await asSteward(),
      body: { policy: { ...policy, epsilonBudget: 100 } },
    });
    expect(edit.status).toBe(400);
    const after = await app.request('GET', `/api/proposals/${drafted.body.id}`, { token: await asSteward() });
    expect(after.body.policy.epsilonBudget).toBe(1);
  });
});

describe('opening checks the motion again, against the deadline', () => {
  it('refuses a policy that would have expired by its count; the proposal stays a draft', async () => {
    const drafted = await post(
      '/api/proposals',
      accessPolicy(buildAccessPolicy(app.clock.now(), { validUntil: at(3 * DAY) })),
    );
    expect(drafted.status, drafted.text).toBe(201);
    const opened = await post(`/api/proposals/${drafted.body.id}/open`, { closesAt: at(7 * DAY + HOUR) });
    expect(opened.status).toBe(400);
    expect(opened.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'policy.validUntil', code: 'expires_before_enactment' }),
    );
    const after = await app.request('GET', `/api/proposals/${drafted.body.id}`, { token: await asSteward() });
    expect(after.body.status).toBe('draft');
  });

  it('refuses opening a revocation whose policy ended since it was drafted', async () => {
    const { policyId } = await seedEnactedPolicy(app, { validUntil: at(DAY) });
    const drafted = await post('/api/proposals', revocation(policyId));
    expect(drafted.status).toBe(201);
    app.clock.advance(2 * DAY);
    const opened = await post(`/api/proposals/${drafted.body.id}/open`, { closesAt: at(3 * DAY + HOUR) });
    expect(opened.status).toBe(409);
    expect(opened.body.error.code).toBe('policy_not_active');
  });
});

describe('an approved motion that can no longer be enacted says why on its results', () => {
  it('a revocation whose policy expired during the vote: approved, not enacted, target_not_active', async () => {
    const { policyId } = await seedEnactedPolicy(app, { validUntil: at(DAY) });
    const drafted = await post('/api/proposals', revocation(policyId));
    await approve(drafted.body.id as string, 3 * DAY + HOUR);
    const results = await app.request('GET', `/api/proposals/${drafted.body.id}/results`, {
      token: await issueAccessToken(app, voters[0]!.id, 'member', app.clock.now()),
    });
    expect(results.body.result).toMatchObject({
      outcome: 'approved',
      enactment: { enacted: false, reason: 'target_not_active' },
    });
  });

  it('an approved valid policy is enacted, then revoked by an approved revocation', async () => {
    const policy = buildAccessPolicy(app.clock.now());
    const drafted = await post('/api/proposals', accessPolicy(policy));
    await approve(drafted.body.id as string, 7 * DAY + HOUR);
    const results = await app.request('GET', `/api/proposals/${drafted.body.id}/results`, { token: await asSteward() });
    expect(results.body.result).toMatchObject({ outcome: 'approved', enactment: { enacted: true } });
    const policies = await app.request('GET', '/api/policies?status=all', { token: await asSteward() });
    expect(policies.text).toContain(policy.id as string);

    const revoke = await post('/api/proposals', revocation(policy.id as string));
    await approve(revoke.body.id as string, 3 * DAY + HOUR);
    const revoked = await app.request('GET', `/api/proposals/${revoke.body.id}/results`, { token: await asSteward() });
    expect(revoked.body.result.enactment).toEqual({ enacted: true });
    // A second revocation of the same policy cannot even be drafted now.
    expect((await post('/api/proposals', revocation(policy.id as string))).body.error.code).toBe('policy_not_active');
  });

  it('a rejected motion has no enactment', async () => {
    const drafted = await post('/api/proposals', accessPolicy(buildAccessPolicy(app.clock.now())));
    const closesInMs = 7 * DAY + HOUR;
    await post(`/api/proposals/${drafted.body.id}/open`, { closesAt: at(closesInMs) });
    app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);
    const results = await app.request('GET', `/api/proposals/${drafted.body.id}/results`, { token: await asSteward() });
    expect(results.body.result).toMatchObject({ outcome: 'rejected', enactment: null });
  });
});

describe('the bylaws tightened by an amendment', () => {
  const tighten = {
    kind: 'amend-bylaws',
    title: 'Less ε per policy',
    summary: 'At most 0.5.',
    amendment: { privacy: { maxEpsilonPerPolicy: 0.5, defaultEpsilon: 0.5 } },
  };

  it('refuse at its count a policy approved during the amendment’s vote, with policy_outside_bylaws', async () => {
    const amendment = await post('/api/proposals', tighten);
    expect(amendment.status, amendment.text).toBe(201);
    const policy = buildAccessPolicy(app.clock.now(), { epsilonBudget: 1 });
    const drafted = await post('/api/proposals', accessPolicy(policy));
    const waiting = await post(
      '/api/proposals',
      accessPolicy(buildAccessPolicy(app.clock.now(), { epsilonBudget: 1 })),
    );
    expect(waiting.status).toBe(201);
    // The amendment closes in 14 days; the policy opens a day later for 14 days, so it is counted after adoption.
    const amendmentOpened = await post(`/api/proposals/${amendment.body.id}/open`, { closesAt: at(14 * DAY + HOUR) });
    expect(amendmentOpened.status, amendmentOpened.text).toBe(200);
    for (const voter of voters) {
      await app.request('POST', `/api/proposals/${amendment.body.id}/ballots`, {
        token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
        body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
      });
    }
    app.clock.advance(DAY);
    await approve(drafted.body.id as string, 14 * DAY);

    const bylaws = await app.request('GET', '/api/bylaws');
    expect(bylaws.body.inForce.bylaws.privacy.maxEpsilonPerPolicy).toBe(0.5);
    const results = await app.request('GET', `/api/proposals/${drafted.body.id}/results`, { token: await asSteward() });
    expect(results.body.result).toMatchObject({
      outcome: 'approved',
      enactment: { enacted: false, reason: 'policy_outside_bylaws' },
    });
    const policies = await app.request('GET', '/api/policies?status=all', { token: await asSteward() });
    expect(policies.text).not.toContain(policy.id as string);
    // A draft that was valid when drafted is refused at opening under the bylaws now in force, and stays a draft.
    const opened = await post(`/api/proposals/${waiting.body.id}/open`, { closesAt: at(7 * DAY + HOUR) });
    expect(opened.status).toBe(400);
    expect(opened.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'policy.epsilonBudget', code: 'epsilon_above_bylaws' }),
    );
    const still = await app.request('GET', `/api/proposals/${waiting.body.id}`, { token: await asSteward() });
    expect(still.body.status).toBe('draft');
    const record = await app.request('GET', '/api/public/record');
    expect(record.body.proposals).toContainEqual(
      expect.objectContaining({
        id: drafted.body.id,
        enactment: { enacted: false, reason: 'policy_outside_bylaws' },
      }),
    );
  });

  it('refuse at drafting what the founding bylaws allowed', async () => {
    // The tightened bylaws (0.5) are in force now: a draft with ε 0.5 is fine, one with ε 1 is refused.
    const drafted = await post(
      '/api/proposals',
      accessPolicy(buildAccessPolicy(app.clock.now(), { epsilonBudget: 0.5 })),
    );
    expect(drafted.status, drafted.text).toBe(201);
    const tooMuch = await post(
      '/api/proposals',
      accessPolicy(buildAccessPolicy(app.clock.now(), { epsilonBudget: 1 })),
    );
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'policy.epsilonBudget', code: 'epsilon_above_bylaws' }),
    );
  });
});
