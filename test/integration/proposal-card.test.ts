// The proposal as a research card through HTTP on the real database: who asks (name, organisation, verification,
// never the e-mail), the member's own inclusion by their consent, and where a researcher's request stands.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  issueAccessToken,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { consentFor, DAY, requestBody, seedMembers, verifiedResearcher } from './research-fixture.js';

let app: TestApp;
let stewardId: string;
let researcher: Awaited<ReturnType<typeof verifiedResearcher>>;
let researcherEmail: string;
let consenting: InsertedMember[];
let refusing: InsertedMember[];
let conditional: InsertedMember[];
let requestId: string;
let proposalId: string;

const steward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());
const myInclusion = async (member: { id: string }, id = proposalId) =>
  app.request('GET', `/api/proposals/${id}/my-inclusion`, { token: await asMember(member) });
const requestState = async () => {
  const listed = await app.request('GET', '/api/research/requests', { token: await researcher.token() });
  expect(listed.status, listed.text).toBe(200);
  return listed.body.requests.find((r: any) => r.id === requestId);
};

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  consenting = await seedMembers(app, 3);
  refusing = await seedMembers(app, 1, { consent: null });
  // Shares heart rate, but only with not-for-profit organisations: the request below is NCU only.
  conditional = await seedMembers(app, 1, {
    consent: consentFor(['heart-rate'], 'aggregate', {
      conditions: {
        nonCommercialOnly: false,
        notForProfitOnly: true,
        noAncestryResearch: false,
        ethicsApprovalRequired: false,
      },
    }),
  });
  researcher = await verifiedResearcher(app, stewardId, true, true);
  const me = await app.request('GET', '/api/me', { token: await researcher.token() });
  researcherEmail = me.body.email ?? me.body.profile?.email;
  expect(researcherEmail).toMatch(/@uni\.example$/);
  const filed = await app.request('POST', '/api/research/requests', {
    token: await researcher.token(),
    body: requestBody({ duo: { permission: 'HMB', modifiers: ['NCU'] }, categories: ['heart-rate', 'sleep-duration'] }),
  });
  expect(filed.status, filed.text).toBe(201);
  requestId = filed.body.id;
});
afterAll(() => app?.close());

describe('a researcher’s request and where its proposal stands', () => {
  it('has no proposal state before a steward makes a proposal of it', async () => {
    expect(await requestState()).toMatchObject({ status: 'submitted', proposal: null, policyId: null });
  });

  it('reads draft, then open — not approved — while the assembly has not decided', async () => {
    const proposed = await app.request('POST', `/api/research/requests/${requestId}/proposal`, {
      token: await steward(),
    });
    expect(proposed.status, proposed.text).toBe(201);
    proposalId = proposed.body.proposal.id;
    expect(await requestState()).toMatchObject({ status: 'proposed', proposal: { status: 'draft', outcome: null } });
    const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
      token: await steward(),
      body: { closesAt: new Date(app.clock.now().getTime() + 7 * DAY + 3_600_000).toISOString() },
    });
    expect(opened.status, opened.text).toBe(200);
    const state = await requestState();
    // The policy id is set at proposal time: it is the id the policy would have, not an approved policy.
    expect(state.policyId).toEqual(expect.any(String));
    expect(state.proposal).toEqual({ status: 'open', outcome: null });
  });
});

describe('GET /api/proposals/:id: who asks', () => {
  it('names the researcher, their organisation, verification and non-profit status to a member', async () => {
    const response = await app.request('GET', `/api/proposals/${proposalId}`, {
      token: await asMember(consenting[0]!),
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.requester).toEqual({
      name: expect.any(String),
      organisation: 'University of Bern',
      verification: 'verified',
      nonProfit: true,
    });
    expect(response.body.requester.name.length).toBeGreaterThan(0);
  });

  it('never carries the researcher’s e-mail, in any field', async () => {
    const response = await app.request('GET', `/api/proposals/${proposalId}`, {
      token: await asMember(consenting[0]!),
    });
    expect(response.text).not.toContain(researcherEmail);
    expect(response.text.toLowerCase()).not.toContain('@uni.example');
  });

  it('is null when the grantee is no account, or an account that is not a researcher’s', async () => {
    for (const grantee of ['researcher-gone', consenting[0]!.id]) {
      const drafted = await app.request('POST', '/api/proposals', {
        token: await steward(),
        body: {
          kind: 'access-policy',
          title: 'Orphan',
          summary: 'S.',
          policy: buildAccessPolicy(app.clock.now(), { grantee }),
        },
      });
      expect(drafted.status, drafted.text).toBe(201);
      const read = await app.request('GET', `/api/proposals/${drafted.body.id}`, { token: await steward() });
      expect(read.status, read.text).toBe(200);
      expect(read.body.requester).toBeNull();
    }
  });

  it('is left out of lists (one proposal read only) and of other kinds of proposal', async () => {
    const list = await app.request('GET', '/api/proposals?status=all', { token: await asMember(consenting[0]!) });
    expect(list.body.proposals.find((p: any) => p.id === proposalId)).not.toHaveProperty('requester');
    const amend = await app.request('POST', '/api/proposals', {
      token: await steward(),
      body: { kind: 'amend-bylaws', title: 'Longer votes', summary: 'Why.', amendment: { reminderLeadHours: 24 } },
    });
    expect(amend.status, amend.text).toBe(201);
    const read = await app.request('GET', `/api/proposals/${amend.body.id}`, { token: await steward() });
    expect(read.body).not.toHaveProperty('requester');
  });
});

describe('GET /api/proposals/:id/my-inclusion', () => {
  it('includes the heart rate of a member who shares it, not the sleep they do not share', async () => {
    const response = await myInclusion(consenting[0]!);
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ proposalId, consentVersion: 1 });
    expect(response.body.categories).toEqual([
      { category: 'heart-rate', consentLevel: 'aggregate', effect: 'included', reason: 'included' },
      { category: 'sleep-duration', consentLevel: 'none', effect: 'excluded', reason: 'no_consent' },
    ]);
  });

  it('says why a member without consent is not included', async () => {
    const response = await myInclusion(refusing[0]!);
    expect(response.status, response.text).toBe(200);
    expect(response.body.consentVersion).toBe(0);
    expect(response.body.categories.every((c: any) => c.effect === 'excluded' && c.reason === 'no_consent')).toBe(true);
  });

  it('gives the member’s own condition as the reason (not-for-profit only, the use is only non-commercial)', async () => {
    const response = await myInclusion(conditional[0]!);
    expect(response.body.categories[0]).toMatchObject({ effect: 'excluded', reason: 'condition_not_for_profit' });
  });

  it('follows a change of consent at once', async () => {
    const member = refusing[0]!;
    const put = await app.request('PUT', '/api/me/consent', {
      token: await asMember(member),
      body: { categories: { 'sleep-duration': 'aggregate' } },
    });
    expect(put.status, put.text).toBe(200);
    const response = await myInclusion(member);
    expect(response.body.categories.map((c: any) => c.effect)).toEqual(['excluded', 'included']);
  });

  it('is refused to stewards and researchers (403) and is 404 for an unknown proposal', async () => {
    const asSteward = await app.request('GET', `/api/proposals/${proposalId}/my-inclusion`, { token: await steward() });
    expect(asSteward.status).toBe(403);
    const asResearcher = await app.request('GET', `/api/proposals/${proposalId}/my-inclusion`, {
      token: await researcher.token(),
    });
    expect(asResearcher.status).toBe(403);
    const unknown = await myInclusion(consenting[0]!, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it('is 400 not_an_access_policy for a motion without a policy', async () => {
    const drafted = await app.request('POST', '/api/proposals', {
      token: await steward(),
      body: { kind: 'amend-bylaws', title: 'Shorter', summary: 'Why.', amendment: { reminderLeadHours: 12 } },
    });
    expect(drafted.status, drafted.text).toBe(201);
    const opened = await app.request('POST', `/api/proposals/${drafted.body.id}/open`, {
      token: await steward(),
      // Bylaws changes vote for 14 days at least.
      body: { closesAt: new Date(app.clock.now().getTime() + 15 * DAY).toISOString() },
    });
    expect(opened.status, opened.text).toBe(200);
    const response = await myInclusion(consenting[0]!, drafted.body.id);
    expect(response.status, response.text).toBe(400);
    expect(response.body.error?.code ?? response.body.code).toBe('not_an_access_policy');
  });
});

describe('after the count', () => {
  it('reads approved (with its reason) in the researcher’s list once the count is final', async () => {
    for (const voter of consenting) {
      const ballot = await app.request('POST', `/api/proposals/${proposalId}/ballots`, {
        token: await asMember(voter),
        body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
      });
      expect(ballot.status, ballot.text).toBe(200);
    }
    app.clock.advance(7 * DAY + 3_600_000 + FINALISATION_GRACE_MS + 1_000);
    const state = await requestState();
    expect(state.proposal.status).toMatch(/^(approved|rejected)$/);
    expect(state.proposal.outcome.reason).toEqual(expect.any(String));
    expect(state.proposal.status).toBe(state.proposal.outcome.outcome);
  });
});
