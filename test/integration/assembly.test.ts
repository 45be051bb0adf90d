import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotListDigest, receiptFromSecret, tallyFromBallotList } from '../../policies/assembly/ballot-receipts.js';
import { createApp } from '../../services/app.js';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  insertMembers,
  issueAccessToken,
  registerAndLogin,
  seedEnactedPolicy,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp, type TestResponse } from '../helpers/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let app: TestApp;
let stewardId: string;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
});
afterAll(() => app.close());

const secret = () => randomBytes(32).toString('hex');
const at = (offsetMs: number) => new Date(app.clock.now().getTime() + offsetMs).toISOString();
// Tokens live ten minutes and tests move the clock by days: sign in afresh at the current instant.
const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());

async function call(method: string, path: string, token: string, body?: unknown): Promise<TestResponse> {
  return app.request(method, path, { token, ...(body !== undefined && { body }) });
}

async function draft(overrides: Record<string, unknown> = {}): Promise<string> {
  // Revocations need a policy in force to revoke: give them one unless the test names its own target.
  const target =
    overrides.kind === 'revoke-policy' && overrides.targetPolicyId === undefined
      ? { targetPolicyId: (await seedEnactedPolicy(app)).policyId }
      : {};
  const response = await call('POST', '/api/proposals', await asSteward(), {
    kind: 'access-policy',
    title: 'Sleep study, University of Bern',
    summary: 'Aggregate sleep duration by region for 12 months.',
    policy: buildAccessPolicy(app.clock.now()),
    ...overrides,
    ...target,
  });
  expect(response.status, response.text).toBe(201);
  return response.body.id as string;
}

async function openVote(id: string, closesInMs = 7 * DAY + HOUR): Promise<TestResponse> {
  return call('POST', `/api/proposals/${id}/open`, await asSteward(), { closesAt: at(closesInMs) });
}

async function vote(id: string, member: { id: string }, choice: string, ballotSecret?: string) {
  return call('POST', `/api/proposals/${id}/ballots`, await asMember(member), {
    choice,
    ...(ballotSecret !== undefined && { secret: ballotSecret }),
  });
}

async function electorate(count: number): Promise<InsertedMember[]> {
  return insertMembers(app, count, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
}

function afterFinalisation(closesInMs: number) {
  app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);
}

// No per-choice count may appear while a vote is open: no "yes": 3, no totals object.
function expectNoCounts(response: TestResponse) {
  expect(response.text).not.toMatch(/"(yes|no|abstain|totals)"\s*:/);
}

describe('the whole lifecycle through HTTP', () => {
  it('drafts, opens, collects secret ballots, closes by the clock and publishes a recomputable result', async () => {
    const voters = await electorate(6);
    const id = await draft();
    const member = await asMember(voters[0]!);

    // A draft is the stewards' working copy: members do not see it yet.
    expect((await call('GET', `/api/proposals/${id}`, member)).status).toBe(404);
    const edited = await call('PATCH', `/api/proposals/${id}`, await asSteward(), { title: 'Sleep study (revised)' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'draft', title: 'Sleep study (revised)' });

    const opened = await openVote(id);
    expect(opened.status, opened.text).toBe(200);
    expect(opened.body).toMatchObject({ status: 'open', turnout: 0, title: 'Sleep study (revised)' });
    expect(opened.body.electorate).toBeGreaterThanOrEqual(6);
    expect(opened.body.frozen).toMatchObject({
      bylawsVersion: 1,
      rules: { kind: 'access-policy', ballotMode: 'secret', quorum: { num: 1, den: 10 } },
      contentDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      rulesDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const pending = await call('GET', '/api/me/pending-votes', member);
    expect(pending.status).toBe(200);
    expect(pending.body.votes).toContainEqual(
      expect.objectContaining({ proposal: expect.objectContaining({ id }), reminderDue: false }),
    );

    const secrets = voters.map(() => secret());
    const choices = ['yes', 'yes', 'no', 'abstain', 'no'];
    const openResponses: TestResponse[] = [];
    for (const [i, choice] of choices.entries()) {
      const response = await vote(id, voters[i]!, choice, secrets[i]);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        proposalId: id,
        receipt: receiptFromSecret(secrets[i]!),
        choice,
        changed: false,
      });
      openResponses.push(response);
    }
    // The last voter changes their mind with the same secret: the last ballot counts.
    const changed = await vote(id, voters[4]!, 'yes', secrets[4]);
    expect(changed.body).toMatchObject({ changed: true, receipt: receiptFromSecret(secrets[4]!) });

    const afterVoting = await call('GET', '/api/me/pending-votes', member);
    expect(afterVoting.body.votes.map((v: { proposal: { id: string } }) => v.proposal.id)).not.toContain(id);

    openResponses.push(
      changed,
      afterVoting,
      await call('GET', `/api/proposals/${id}`, member),
      await call('GET', '/api/proposals?status=open', member),
      await call('GET', `/api/proposals/${id}/results`, member),
      await call('GET', `/api/proposals/${id}/results`, await asSteward()),
    );
    for (const response of openResponses) expectNoCounts(response);
    const whileOpen = await call('GET', `/api/proposals/${id}/results`, member);
    expect(whileOpen.body).toMatchObject({ status: 'open', turnout: 5, result: null });

    afterFinalisation(7 * DAY + HOUR);
    const results = await call('GET', `/api/proposals/${id}/results`, await asMember(voters[0]!));
    expect(results.status).toBe(200);
    const { result } = results.body;
    expect(results.body.status).toBe('approved');
    expect(result).toMatchObject({
      outcome: 'approved',
      reason: 'approved',
      totals: { yes: 3, no: 1, abstain: 1, cast: 5, electorate: opened.body.electorate },
      // Fewer than 11 voters: who voted stays unpublished.
      participation: null,
    });
    // Anyone can recompute totals and digest from the published list, with nothing but SHA-256.
    expect(tallyFromBallotList(result.ballots)).toEqual({ yes: 3, no: 1, abstain: 1 });
    expect(ballotListDigest(result.ballots)).toBe(result.ballotListDigest);
    const lines = result.ballots.map((b: { receipt: string; choice: string }) => `${b.receipt}:${b.choice}\n`).join('');
    expect(createHash('sha256').update(lines).digest('hex')).toBe(result.ballotListDigest);
    const receipts = result.ballots.map((b: { receipt: string }) => b.receipt);
    expect(receipts).toEqual([...receipts].sort());
    for (const s of secrets.slice(0, 5)) expect(receipts).toContain(receiptFromSecret(s));
    expect(result.ballots.find((b: { receipt: string }) => b.receipt === receiptFromSecret(secrets[4]!)).choice).toBe(
      'yes',
    );

    const closed = await call('GET', '/api/proposals?status=closed', await asMember(voters[0]!));
    expect(closed.body.proposals).toContainEqual(
      expect.objectContaining({ id, status: 'approved', outcome: { outcome: 'approved', reason: 'approved' } }),
    );
  });

  it('shows a closed vote as closed at closesAt, before any outcome is written', async () => {
    const voters = await electorate(2);
    const id = await draft();
    await openVote(id);
    await vote(id, voters[0]!, 'yes', secret());
    app.clock.advance(7 * DAY + HOUR + 1);
    const response = await call('GET', `/api/proposals/${id}/results`, await asSteward());
    expect(response.body).toMatchObject({ status: 'closed', turnout: 1, result: null });
    expectNoCounts(response);
    app.clock.advance(FINALISATION_GRACE_MS);
    expect((await call('GET', `/api/proposals/${id}`, await asSteward())).body.status).toMatch(/approved|rejected/);
  });

  it('publishes the participation list once at least 11 members voted', async () => {
    const voters = await electorate(12);
    const id = await draft();
    await openVote(id);
    for (const voter of voters.slice(0, 11)) expect((await vote(id, voter, 'no', secret())).status).toBe(200);
    afterFinalisation(7 * DAY + HOUR);
    const member = await call('GET', `/api/proposals/${id}/results`, await asMember(voters[0]!));
    expect(member.body.result.participation).toEqual(
      voters
        .slice(0, 11)
        .map((v) => v.id)
        .sort(),
    );
    expect(member.body.result).toMatchObject({ outcome: 'rejected', reason: 'threshold_not_met' });
  });

  it('lists the reminders due as a count, and flags the pending vote', async () => {
    const voters = await electorate(3);
    const id = await draft();
    await openVote(id);
    await vote(id, voters[0]!, 'yes', secret());
    const early = await call('GET', `/api/steward/proposals/${id}/reminders`, await asSteward());
    expect(early.body).toMatchObject({ due: false, membersToRemind: 0 });
    app.clock.advance(6 * DAY);
    const due = await call('GET', `/api/steward/proposals/${id}/reminders`, await asSteward());
    expect(due.status).toBe(200);
    expect(due.body.due).toBe(true);
    // Everyone eligible who has not voted: these two, plus members other tests created before this vote opened.
    expect(due.body.membersToRemind).toBeGreaterThanOrEqual(2);
    expect(await app.services.assembly.membersToRemind(id, app.clock.now())).toEqual(
      expect.arrayContaining([voters[1]!.id, voters[2]!.id]),
    );
    expect(await app.services.assembly.membersToRemind(id, app.clock.now())).not.toContain(voters[0]!.id);
    const pending = await call('GET', '/api/me/pending-votes', await asMember(voters[1]!));
    expect(pending.body.votes).toContainEqual(
      expect.objectContaining({ proposal: expect.objectContaining({ id }), reminderDue: true }),
    );
    app.clock.advance(DAY + HOUR + FINALISATION_GRACE_MS);
  });
});

describe('logs while a vote is open', () => {
  it('never carry a choice, a secret, a receipt or a count', async () => {
    // A second app on the same services, whose log lines are captured (createTestApp logs nothing).
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const logged = createApp({
      config: app.config,
      log,
      connection: app.connection,
      ...app.services,
      now: app.clock.now,
    });
    const server = logged.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const voters = await electorate(3);
      const id = await draft();
      await openVote(id);
      const secrets = voters.map(() => secret());
      const receipts: string[] = [];
      for (const [i, choice] of ['yes', 'no', 'abstain'].entries()) {
        const response = await fetch(`${base}/api/proposals/${id}/ballots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await asMember(voters[i]!)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ choice, secret: secrets[i] }),
        });
        expect(response.status).toBe(200);
        receipts.push(((await response.json()) as { receipt: string }).receipt);
      }
      // A forgery and a read of the results, both logged.
      await fetch(`${base}/api/proposals/${id}/ballots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await asMember(voters[0]!)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ choice: 'no', secret: secret() }),
      });
      await fetch(`${base}/api/proposals/${id}/results`, { headers: { authorization: `Bearer ${await asSteward()}` } });
      expect(lines.length).toBeGreaterThanOrEqual(5);
      const text = lines.join('');
      expect(text).not.toMatch(/\b(yes|abstain)\b|"no"|"totals"|"choice"/);
      for (const value of [...secrets, ...receipts]) expect(text).not.toContain(value);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    app.clock.advance(8 * DAY);
  });
});

describe('bylaws as data', () => {
  it('serves the founding bylaws as version 1', async () => {
    const response = await app.request('GET', '/api/bylaws');
    expect(response.status).toBe(200);
    expect(response.body.inForce).toMatchObject({ version: 1, adoptedByProposal: null });
    expect(response.body.inForce.bylaws.proposalKinds['amend-bylaws'].threshold).toEqual({ num: 2, den: 3 });
  });

  it('adopts an approved amendment as the next version, for proposals opened after it only', async () => {
    const voters = await electorate(4);
    // Votes on other tests' proposals are over; a fresh electorate decides this one.
    const amendment = { proposalKinds: { 'revoke-policy': { ballotMode: 'open' } } };
    const create = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'amend-bylaws',
      title: 'Open ballots for revocations',
      summary: 'Revocations are voted openly.',
      amendment,
    });
    expect(create.status, create.text).toBe(201);
    const amendmentId = create.body.id as string;
    expect((await openVote(amendmentId, 15 * DAY)).status).toBe(200);
    // A second amendment cannot be under vote at the same time.
    const second = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'amend-bylaws',
      title: 'Shorter reminders',
      summary: '24 hours.',
      amendment: { reminderLeadHours: 24 },
    });
    expect((await openVote(second.body.id, 15 * DAY)).body.error.code).toBe('target_under_vote');

    // A revocation opened during the amendment's vote keeps the rules it opened under.
    const before = await draft({ kind: 'revoke-policy', policy: undefined });
    const beforeOpened = await openVote(before, 14 * DAY);
    expect(beforeOpened.body.frozen.rules).toMatchObject({ ballotMode: 'secret', bylawsVersion: 1 });

    const amendmentElectorate = (await call('GET', `/api/proposals/${amendmentId}`, await asSteward())).body
      .electorate as number;
    const needed = Math.ceil(amendmentElectorate / 5);
    // Enough yes votes from the electorate: members created earlier in this file are eligible too.
    const eligible: { id: string }[] = [...voters, ...(await earlierMembers(amendmentId))];
    expect(eligible.length).toBeGreaterThanOrEqual(needed);
    for (const voter of eligible.slice(0, needed)) {
      expect((await vote(amendmentId, voter, 'yes', secret())).status).toBe(200);
    }
    afterFinalisation(15 * DAY);

    const bylaws = await app.request('GET', '/api/bylaws');
    expect(bylaws.body.inForce).toMatchObject({ version: 2, adoptedByProposal: amendmentId });
    expect(bylaws.body.inForce.bylaws.proposalKinds['revoke-policy'].ballotMode).toBe('open');
    expect(bylaws.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const still = await call('GET', `/api/proposals/${before}`, await asSteward());
    expect(still.body.frozen.rules.ballotMode).toBe('secret');

    // A revocation opened now is voted openly: the published list names each voter.
    const after = await draft({ kind: 'revoke-policy', policy: undefined });
    const afterOpened = await openVote(after, 4 * DAY);
    expect(afterOpened.body.frozen).toMatchObject({ bylawsVersion: 2, rules: { ballotMode: 'open' } });
    const late = await earlierMembers(after);
    const first = await vote(after, late[0]!, 'yes');
    expect(first.status, first.text).toBe(200);
    expect((await vote(after, late[0]!, 'no')).body).toMatchObject({ changed: true, receipt: first.body.receipt });
    afterFinalisation(4 * DAY);
    const results = await call('GET', `/api/proposals/${after}/results`, await asSteward());
    expect(results.body.result.ballots).toEqual([{ receipt: first.body.receipt, choice: 'no', voter: late[0]!.id }]);
  });
});

// Members this file created before a proposal opened (its electorate), read back through the service.
async function earlierMembers(proposalId: string): Promise<{ id: string }[]> {
  const opened = (await call('GET', `/api/proposals/${proposalId}`, await asSteward())).body.openedAt as string;
  const members = await app.services.members.memberStandings();
  return members.filter((m) => m.membership.joinedAt < new Date(opened)).map((m) => ({ id: m.id }));
}

describe('recovery and contract', () => {
  it('lets a member re-send the same secret to restore a ballot a failure left out of the box', async () => {
    const voters = await electorate(1);
    const id = await draft();
    await openVote(id);
    const ballotSecret = secret();
    expect((await vote(id, voters[0]!, 'no', ballotSecret)).status).toBe(200);
    // As if the service had crashed between the register claim and the box insert.
    await app.connection
      .collection('ballot_box')
      .deleteOne({ _id: `${id}:${receiptFromSecret(ballotSecret)}` as never });
    expect((await vote(id, voters[0]!, 'no', ballotSecret)).body).toMatchObject({ choice: 'no' });
    afterFinalisation(7 * DAY + HOUR);
    const results = await call('GET', `/api/proposals/${id}/results`, await asSteward());
    expect(results.body.result.ballots).toEqual([{ receipt: receiptFromSecret(ballotSecret), choice: 'no' }]);
  });

  it('documents every assembly route with who may call it', async () => {
    const { paths } = (await app.request('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-access': unknown }>>;
    };
    expect(paths['/api/proposals/{id}/ballots']!.post!['x-access']).toEqual(['member']);
    expect(paths['/api/proposals']!.post!['x-access']).toEqual(['steward']);
    expect(paths['/api/proposals/{id}/results']!.get!['x-access']).toBe('authenticated');
    expect(paths['/api/bylaws']!.get!['x-access']).toBe('public');
    expect(paths['/api/steward/proposals/{id}/reminders']!.get!['x-access']).toEqual(['steward']);
    expect(paths['/api/me/pending-votes']!.get!['x-access']).toEqual(['member']);
  });
});

describe('bad input changes nothing', () => {
  let voters: InsertedMember[];
  let id: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    voters = await electorate(3);
    id = await draft();
    expect((await openVote(id)).status).toBe(200);
    secrets.push(secret(), secret());
    expect((await vote(id, voters[0]!, 'yes', secrets[0])).status).toBe(200);
  });

  async function expectUnchanged() {
    const response = await call('GET', `/api/proposals/${id}`, await asSteward());
    expect(response.body).toMatchObject({ status: 'open', turnout: 1 });
  }

  it.each([
    ['a missing secret', undefined],
    ['a wrong secret', randomBytes(32).toString('hex')],
    ['a malformed secret', 'not-a-secret'],
    ['an uppercase secret', 'A'.repeat(64)],
  ])('refuses changing a ballot with %s, like any forgery', async (_label, wrong) => {
    const response = await vote(id, voters[0]!, 'no', wrong);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ballot_secret_invalid');
    await expectUnchanged();
  });

  it('refuses a first ballot without a secret with the same error', async () => {
    const response = await vote(id, voters[1]!, 'no');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ballot_secret_invalid');
    await expectUnchanged();
  });

  it('refuses an unknown choice', async () => {
    const response = await vote(id, voters[1]!, 'maybe', secrets[1]);
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('choice');
    await expectUnchanged();
  });

  it('refuses a member who joined after the vote opened', async () => {
    const newcomer = await registerAndLogin(app);
    const response = await call('POST', `/api/proposals/${id}/ballots`, newcomer.accessToken, {
      choice: 'yes',
      secret: secret(),
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('joined_too_late');
    await expectUnchanged();
  });

  it('refuses a suspended member', async () => {
    await app.services.members.suspendMembership(voters[2]!.id, { from: app.clock.now() }, app.clock.now());
    // A token with the state after the suspension (one issued in the same millisecond is stale: 401, refreshed).
    const afterSuspension = new Date(app.clock.now().getTime() + 5);
    const response = await call(
      'POST',
      `/api/proposals/${id}/ballots`,
      await issueAccessToken(app, voters[2]!.id, 'member', afterSuspension),
      {
        choice: 'yes',
        secret: secret(),
      },
    );
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('suspended');
    await expectUnchanged();
  });

  it.each(['researcher', 'steward'] as const)('refuses a %s: one person, one role', async (role) => {
    const token =
      role === 'steward'
        ? await asSteward()
        : (await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Bern' })).accessToken;
    const response = await call('POST', `/api/proposals/${id}/ballots`, token, { choice: 'yes', secret: secret() });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('role_not_allowed');
    await expectUnchanged();
  });

  it('refuses a member drafting a proposal', async () => {
    const response = await call('POST', '/api/proposals', await asMember(voters[1]!), {
      kind: 'revoke-policy',
      title: 'x',
      summary: 'y',
      targetPolicyId: crypto.randomUUID(),
    });
    expect(response.status).toBe(403);
  });

  it('refuses editing an open proposal', async () => {
    const response = await call('PATCH', `/api/proposals/${id}`, await asSteward(), { title: 'Changed' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('proposal_not_draft');
    expect((await call('GET', `/api/proposals/${id}`, await asSteward())).body.title).toBe(
      'Sleep study, University of Bern',
    );
  });

  it('refuses withdrawing an open proposal', async () => {
    const response = await call('POST', `/api/proposals/${id}/withdraw`, await asSteward());
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('proposal_not_draft');
    await expectUnchanged();
  });

  it('refuses shortening the deadline, and extending beyond the maximum window', async () => {
    const before = (await call('GET', `/api/proposals/${id}`, await asSteward())).body.closesAt as string;
    const shorter = await call('POST', `/api/proposals/${id}/extend`, await asSteward(), { closesAt: at(7 * DAY) });
    expect(shorter.status).toBe(400);
    expect(shorter.body.error.code).toBe('deadline_not_later');
    const tooLong = await call('POST', `/api/proposals/${id}/extend`, await asSteward(), { closesAt: at(22 * DAY) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('window_too_long');
    expect((await call('GET', `/api/proposals/${id}`, await asSteward())).body.closesAt).toBe(before);
    const longer = await call('POST', `/api/proposals/${id}/extend`, await asSteward(), { closesAt: at(10 * DAY) });
    expect(longer.status).toBe(200);
    expect(Date.parse(longer.body.closesAt)).toBeGreaterThan(Date.parse(before));
  });

  it('refuses a second open proposal on the same policy, until the first has closed', async () => {
    const target = (await seedEnactedPolicy(app)).policyId;
    const first = await draft({ kind: 'revoke-policy', targetPolicyId: target, policy: undefined });
    const second = await draft({ kind: 'revoke-policy', targetPolicyId: target, policy: undefined });
    expect((await openVote(first, 4 * DAY)).status).toBe(200);
    const refused = await openVote(second, 4 * DAY);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('target_under_vote');
    expect((await call('GET', `/api/proposals/${second}`, await asSteward())).body.status).toBe('draft');
  });

  it('refuses opening with a window outside the bylaws', async () => {
    const proposal = await draft();
    const short = await openVote(proposal, 6 * DAY);
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('window_too_short');
    const long = await openVote(proposal, 22 * DAY);
    expect(long.body.error.code).toBe('window_too_long');
    expect((await call('GET', `/api/proposals/${proposal}`, await asSteward())).body.status).toBe('draft');
  });

  it('answers a ballot on a draft or a withdrawn proposal as on a missing one (only stewards see them)', async () => {
    const proposal = await draft();
    const onMissing = await vote(crypto.randomUUID(), voters[1]!, 'yes', secret());
    expect(onMissing.status).toBe(404);
    const onDraft = await vote(proposal, voters[1]!, 'yes', secret());
    expect({ status: onDraft.status, body: onDraft.body }).toEqual({ status: 404, body: onMissing.body });
    expect((await call('POST', `/api/proposals/${proposal}/withdraw`, await asSteward())).body.status).toBe(
      'withdrawn',
    );
    const onWithdrawn = await vote(proposal, voters[1]!, 'yes', secret());
    expect({ status: onWithdrawn.status, body: onWithdrawn.body }).toEqual({ status: 404, body: onMissing.body });
    expect((await openVote(proposal)).body.error.code).toBe('proposal_not_draft');
  });

  it('refuses invalid drafts: an amendment that breaks the bylaws, a policy on a revocation', async () => {
    const badAmendment = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'amend-bylaws',
      title: 'Lower the bar',
      summary: 'Threshold one third.',
      amendment: { proposalKinds: { 'access-policy': { threshold: { num: 1, den: 3 } } } },
    });
    expect(badAmendment.status).toBe(400);
    expect(badAmendment.body.error.details[0]).toMatchObject({ field: 'amendment', code: 'invalid_amendment' });
    const dotted = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'access-policy',
      title: 't',
      summary: 's',
      policy: { 'a.b': 1 },
    });
    expect(dotted.status).toBe(400);
    const revocationWithPolicy = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'revoke-policy',
      title: 't',
      summary: 's',
      targetPolicyId: (await seedEnactedPolicy(app)).policyId,
      policy: buildAccessPolicy(app.clock.now()),
    });
    expect(revocationWithPolicy.status).toBe(400);
    expect(revocationWithPolicy.body.error.details[0]).toMatchObject({ field: 'policy', code: 'unknown_field' });
  });

  it('refuses a ballot exactly at the deadline', async () => {
    const closesAt = new Date((await call('GET', `/api/proposals/${id}`, await asSteward())).body.closesAt as string);
    await expect(
      app.services.assembly.castBallot(id, { userId: voters[1]!.id }, 'yes', secrets[1], closesAt),
    ).rejects.toMatchObject({ status: 409, code: 'voting_closed' });
    const justBefore = new Date(closesAt.getTime() - 1);
    await expect(
      app.services.assembly.castBallot(id, { userId: voters[0]!.id }, 'yes', secrets[0], justBefore),
    ).resolves.toMatchObject({ changed: true });
    await expectUnchanged();
  });

  it('refuses a ballot after the deadline', async () => {
    app.clock.advance(10 * DAY + 1);
    const response = await vote(id, voters[1]!, 'yes', secrets[1]);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('voting_closed');
    const changed = await vote(id, voters[0]!, 'no', secrets[0]);
    expect(changed.body.error.code).toBe('voting_closed');
    app.clock.advance(FINALISATION_GRACE_MS);
    const results = await call('GET', `/api/proposals/${id}/results`, await asSteward());
    expect(results.body.result.totals).toMatchObject({ yes: 1, no: 0, abstain: 0, cast: 1 });
  });
});
