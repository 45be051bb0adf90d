// The public record (issue 12, item 5): readable without sign-in, only whitelisted fields, nothing of an open vote;
// audit entries for stewards (filters, pages) and for a member about themself; reading never writes a checkpoint.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotListDigest } from '../../policies/assembly/ballot-receipts.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  insertMembers,
  issueAccessToken,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, consentFor, DAY, verifiedResearcher } from './research-fixture.js';

let app: TestApp;
let stewardId: string;
let voters: InsertedMember[];
let researcher: { id: string; token: () => Promise<string> };
let carried: { policyId: string; proposalId: string; requestId: string };
let openId: string;

const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (m: { id: string }) => issueAccessToken(app, m.id, 'member', app.clock.now());
const count = (name: string) => app.connection.db!.collection(name).countDocuments();

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  voters = await insertMembers(app, 5, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
  researcher = await verifiedResearcher(app, stewardId);
  carried = await carryPolicy(app, stewardId, researcher, voters);
  // A vote still open, with ballots in its box: nothing of it may show in the record.
  const drafted = await app.request('POST', '/api/proposals', {
    token: await asSteward(),
    body: {
      kind: 'access-policy',
      title: 'Open study',
      summary: 'Still open.',
      policy: buildAccessPolicy(app.clock.now()),
    },
  });
  openId = drafted.body.id as string;
  const opened = await app.request('POST', `/api/proposals/${openId}/open`, {
    token: await asSteward(),
    body: { closesAt: new Date(app.clock.now().getTime() + 8 * DAY).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
  for (const voter of voters.slice(0, 3)) {
    await app.request('POST', `/api/proposals/${openId}/ballots`, {
      token: await asMember(voter),
      body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
    });
  }
});
afterAll(() => app.close());

describe('GET /api/public/record', () => {
  it('is readable without signing in, and shows the policy with who asks, what, why, ε and validity', async () => {
    const response = await app.request('GET', '/api/public/record');
    expect(response.status, response.text).toBe(200);
    const policy = response.body.policies.find((p: { id: string }) => p.id === carried.policyId);
    expect(policy).toMatchObject({
      status: 'active',
      organisation: 'University of Bern',
      purpose: expect.any(String),
      categories: ['heart-rate'],
      epsilonBudget: 1,
      epsilonSpent: 0,
      validUntil: '2027-12-01T00:00:00.000Z',
      proposalId: carried.proposalId,
    });
    expect(response.body.requests).toContainEqual(
      expect.objectContaining({
        id: carried.requestId,
        status: 'approved',
        organisation: 'University of Bern',
        proposalId: carried.proposalId,
      }),
    );
  });

  it('lists the counted proposal with outcome, totals, digest and enactment, and not the open one', async () => {
    const { body } = await app.request('GET', '/api/public/record');
    const ids = body.proposals.map((p: { id: string }) => p.id);
    expect(ids).toContain(carried.proposalId);
    expect(ids).not.toContain(openId);
    expect(body.proposals.find((p: { id: string }) => p.id === carried.proposalId)).toMatchObject({
      outcome: 'approved',
      totals: { yes: 5, no: 0, abstain: 0, cast: 5 },
      ballotListDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      enactment: { enacted: true },
    });
  });

  it('serves a counted ballot list that recomputes to the digest, and 404 for a vote still open', async () => {
    const counted = await app.request('GET', `/api/public/proposals/${carried.proposalId}`);
    expect(counted.status).toBe(200);
    expect(counted.body.ballots).toHaveLength(5);
    expect(ballotListDigest(counted.body.ballots)).toBe(counted.body.proposal.ballotListDigest);
    const open = await app.request('GET', `/api/public/proposals/${openId}`);
    expect(open.status).toBe(404);
    expect(open.text).not.toMatch(/"(yes|no|abstain|totals)"\s*:/);
  });

  it('leaks no member or researcher id, no e-mail, and no count of the open vote', async () => {
    const texts = [
      (await app.request('GET', '/api/public/record')).text,
      (await app.request('GET', `/api/public/proposals/${carried.proposalId}`)).text,
    ];
    const secrets = [stewardId, researcher.id, ...voters.flatMap((v) => [v.id, v.email]), '@'];
    for (const text of texts) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain(openId);
      expect(text).not.toContain('Open study');
    }
  });
});

describe('audit checkpoints and entries', () => {
  it('reading the record, the checkpoints or verifying writes no checkpoint and no entry', async () => {
    const before = { checkpoints: await count('audit_signed_checkpoints'), entries: await count('audit_log') };
    await app.request('GET', '/api/public/record');
    await app.request('GET', '/api/audit/checkpoints');
    await app.request('GET', '/api/public/audit/checkpoint');
    await app.request('GET', '/api/public/audit/consistency?from=1&to=1');
    const token = await asSteward();
    const first = await app.request('GET', '/api/audit/verify', { token });
    const second = await app.request('GET', '/api/audit/verify', { token });
    expect(first.body).toMatchObject({ valid: true });
    expect(second.body).toEqual(first.body);
    expect({ checkpoints: await count('audit_signed_checkpoints'), entries: await count('audit_log') }).toEqual(before);
  });

  it('lets a steward filter entries by type and actor, newest first, in pages', async () => {
    const token = await asSteward();
    const opened = await app.request('GET', '/api/audit/entries?type=proposal.opened&limit=1', { token });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.body.entries).toHaveLength(1);
    expect(opened.body.entries[0]).toMatchObject({ type: 'proposal.opened', data: { proposalId: openId } });
    const older = await app.request(
      'GET',
      `/api/audit/entries?type=proposal.opened&limit=1&before=${opened.body.nextBefore}`,
      { token },
    );
    expect(older.body.entries[0]).toMatchObject({ data: { proposalId: carried.proposalId } });
    expect(older.body.nextBefore).toBeNull();
    const byResearcher = await app.request('GET', `/api/audit/entries?actor=${researcher.id}`, { token });
    expect(byResearcher.body.entries.length).toBeGreaterThan(0);
    expect(byResearcher.body.entries.every((e: { actor: string }) => e.actor === researcher.id)).toBe(true);
  });

  it('filters by date range [from, to)', async () => {
    const token = await asSteward();
    const future = new Date(app.clock.now().getTime() + DAY).toISOString();
    const none = await app.request('GET', `/api/audit/entries?from=${future}`, { token });
    expect(none.body).toEqual({ entries: [], nextBefore: null });
    const all = await app.request('GET', `/api/audit/entries?to=${future}&limit=200`, { token });
    expect(all.body.entries.length).toBeGreaterThan(3);
  });

  it('shows a member the entries about themself only, under their pseudonym too', async () => {
    const [me, other] = voters;
    const changed = await app.request('PUT', '/api/me/consent', {
      token: await asMember(me!),
      body: consentFor(['steps']),
    });
    expect(changed.status, changed.text).toBe(200);
    await app.request('PUT', '/api/me/consent', { token: await asMember(other!), body: consentFor(['bmi']) });
    const mine = await app.request('GET', '/api/me/audit-entries', { token: await asMember(me!) });
    expect(mine.status).toBe(200);
    expect(mine.body.entries.map((e: { type: string }) => e.type)).toEqual(['consent.changed']);
    const theirs = await app.request('GET', '/api/me/audit-entries', { token: await asMember(other!) });
    expect(theirs.body.entries).toHaveLength(1);
    expect(theirs.body.entries[0].actor).not.toBe(mine.body.entries[0].actor);
  });

  it('refuses the stewards’ audit reading to members (403) and to anonymous callers (401)', async () => {
    expect((await app.request('GET', '/api/audit/entries', { token: await asMember(voters[0]!) })).status).toBe(403);
    expect((await app.request('GET', '/api/audit/entries')).status).toBe(401);
    expect((await app.request('GET', '/api/me/audit-entries')).status).toBe(401);
  });
});
