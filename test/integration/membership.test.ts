// Membership by admission, through HTTP on the real database: registering accounts changes no electorate, no
// pending votes and no outcome until a steward admits them; every step of a membership is checked and audited.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBylaws, membershipRulesOf } from '../../policies/assembly/bylaws.js';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  buildRegistration,
  createStewardAndLogin,
  issueAccessToken,
  registerAndLogin,
  type BuiltAccount,
} from '../helpers/builders.js';
import { createTestApp, type TestApp, type TestResponse } from '../helpers/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const rules = membershipRulesOf(currentBylaws);
const admission = { identityMethod: 'in-person', shareSubscribed: { ...rules.shareCapital } };

let app: TestApp;
let stewardId: string;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
});
afterAll(() => app.close());

const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const as = (account: { id: string }) => issueAccessToken(app, account.id, 'member', app.clock.now());
const at = (offsetMs: number) => new Date(app.clock.now().getTime() + offsetMs).toISOString();

async function call(method: string, path: string, token: string, body?: unknown): Promise<TestResponse> {
  return app.request(method, path, { token, ...(body !== undefined && { body }) });
}

/** An account holder who registered (and, with `apply`, applied) but whom no steward admitted. */
async function accountHolder(overrides: Record<string, unknown> = {}, apply = false): Promise<BuiltAccount> {
  const holder = await registerAndLogin(app, overrides, { admitted: false });
  if (apply) expect((await call('POST', '/api/me/membership/application', await as(holder))).status).toBe(201);
  return holder;
}

async function openProposal(): Promise<string> {
  const drafted = await call('POST', '/api/proposals', await asSteward(), {
    kind: 'access-policy',
    title: 'Sleep study, University of Bern',
    summary: 'Aggregate sleep duration by region for 12 months.',
    policy: buildAccessPolicy(app.clock.now()),
  });
  expect(drafted.status, drafted.text).toBe(201);
  const opened = await call('POST', `/api/proposals/${drafted.body.id}/open`, await asSteward(), {
    closesAt: at(7 * DAY + HOUR),
  });
  expect(opened.status, opened.text).toBe(200);
  return drafted.body.id as string;
}

const vote = async (id: string, voter: { id: string }, choice: string) =>
  call('POST', `/api/proposals/${id}/ballots`, await as(voter), { choice, secret: randomBytes(32).toString('hex') });

const me = async (account: { id: string }) => (await call('GET', '/api/me', await as(account))).body;
const auditTypes = async (memberId: string) =>
  (await app.connection.db!.collection('audit_log').find({ 'data.memberId': memberId }).sort({ _id: 1 }).toArray()).map(
    (entry) => entry.type as string,
  );

describe('sock-puppet accounts, through HTTP', () => {
  it('change no electorate, no pending votes and no outcome until a steward admits them', async () => {
    const members = await Promise.all([0, 1, 2, 3].map(() => registerAndLogin(app)));
    // Twelve puppets: half of them applied, none admitted.
    const puppets: BuiltAccount[] = [];
    for (let i = 0; i < 12; i++) puppets.push(await accountHolder({}, i % 2 === 0));
    app.clock.advance(HOUR);

    const id = await openProposal();
    const opened = (await call('GET', `/api/proposals/${id}`, await asSteward())).body;
    // The first test of this app: the four admitted members are the whole electorate, the puppets none of it.
    expect(opened.electorate).toBe(members.length);
    const before = (await call('GET', `/api/proposals/${id}/results`, await asSteward())).body;
    for (const puppet of puppets) {
      const pending = await call('GET', '/api/me/pending-votes', await as(puppet));
      expect(pending.status).toBe(200);
      expect(pending.body.votes).toEqual([]);
      const refused = await vote(id, puppet, 'no');
      expect(refused.status, refused.text).toBe(403);
      expect(refused.body.error.code).toBe('not_a_member');
    }
    // One admitted member votes yes; every puppet's "no" was refused, so the member decides alone.
    expect((await vote(id, members[0]!, 'yes')).status).toBe(200);
    const during = (await call('GET', `/api/proposals/${id}/results`, await asSteward())).body;
    expect(during.turnout).toBe(before.turnout + 1);
    expect(during.electorate).toBe(opened.electorate);
    // A member's pending votes list it; a puppet's does not.
    const memberPending = (await call('GET', '/api/me/pending-votes', await as(members[1]!))).body.votes;
    expect(memberPending.map((v: { proposal: { id: string } }) => v.proposal.id)).toContain(id);

    // The steward admits one puppet now: the vote already open keeps its electorate and refuses that ballot.
    const admitted = await call('POST', `/api/steward/members/${puppets[0]!.id}/admit`, await asSteward(), admission);
    expect(admitted.status, admitted.text).toBe(200);
    const late = await vote(id, puppets[0]!, 'no');
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('joined_too_late');

    app.clock.advance(7 * DAY + HOUR + FINALISATION_GRACE_MS + 1_000);
    const results = (await call('GET', `/api/proposals/${id}/results`, await asSteward())).body;
    expect(results.electorate).toBe(opened.electorate);
    expect(results.result.totals).toMatchObject({ yes: 1, no: 0, abstain: 0 });
    expect(results.result.outcome).toBe('approved');

    // A proposal opened after the admission counts exactly one more member, and that one only.
    app.clock.advance(HOUR);
    const next = await openProposal();
    expect((await call('GET', `/api/proposals/${next}`, await asSteward())).body.electorate).toBe(
      opened.electorate + 1,
    );
    // Sixteen registrations hash sixteen passwords (Argon2): slow on a loaded machine, with no timed assertion.
  }, 120_000);
});

describe('application and admission', () => {
  it('shows the account holder their status from registration to admission, and audits each step', async () => {
    const holder = await accountHolder();
    expect((await me(holder)).membership).toEqual({ status: 'none', votingRights: false });
    expect((await me(holder)).memberSince).toBeUndefined();
    const applied = await call('POST', '/api/me/membership/application', await as(holder));
    expect(applied.status).toBe(201);
    expect(applied.body.membership).toMatchObject({ status: 'applicant', votingRights: false });

    const token = await asSteward();
    const before = app.clock.now().getTime();
    const admitted = await call('POST', `/api/steward/members/${holder.id}/admit`, token, admission);
    expect(admitted.status, admitted.text).toBe(200);
    const after = app.clock.now().getTime();
    const account = await me(holder);
    expect(account.membership).toMatchObject({
      status: 'admitted',
      votingRights: true,
      identityMethod: 'in-person',
      share: rules.shareCapital,
    });
    expect(Date.parse(account.membership.decidedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(account.membership.decidedAt)).toBeLessThanOrEqual(after);
    expect(account.memberSince).toBe(account.membership.decidedAt);
    expect(await auditTypes(holder.id)).toEqual(['membership.applied', 'membership.admitted']);
  });

  it('refuses admitting twice with 409 already_admitted, and changes nothing', async () => {
    const member = await registerAndLogin(app);
    const before = await me(member);
    app.clock.advance(1_000);
    const again = await call('POST', `/api/steward/members/${member.id}/admit`, await asSteward(), admission);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_admitted');
    expect(await me(member)).toEqual(before);
    expect(await auditTypes(member.id)).toEqual(['membership.applied', 'membership.admitted']);
  });

  it('decides one application once, even when two stewards admit at the same moment', async () => {
    const holder = await accountHolder({}, true);
    const token = await asSteward();
    const both = await Promise.all(
      [0, 1].map(() => call('POST', `/api/steward/members/${holder.id}/admit`, token, admission)),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await auditTypes(holder.id)).toEqual(['membership.applied', 'membership.admitted']);
  });

  it('refuses admitting a researcher with 409 not_an_account_holder, and changes nothing', async () => {
    const researcher = await registerAndLogin(app, {
      role: 'researcher',
      organisation: 'University of Bern',
      email: `r-${randomUUID().slice(0, 8)}@example.org`,
    });
    const token = await issueAccessToken(app, researcher.id, 'researcher', app.clock.now());
    const before = (await call('GET', '/api/me', token)).body;
    const refused = await call('POST', `/api/steward/members/${researcher.id}/admit`, await asSteward(), admission);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_an_account_holder');
    expect((await call('GET', '/api/me', token)).body).toEqual(before);
    expect(before.membership).toBeUndefined();
    const applying = await call('POST', '/api/me/membership/application', token);
    expect(applying.status).toBe(403);
    expect(applying.body.error.code).toBe('role_not_allowed');
  });

  it.each([
    ['an account holder who never applied', 409, 'not_an_applicant', admission, false],
    ['an unknown identity method', 400, 'identity_method_unknown', { ...admission, identityMethod: 'selfie' }, true],
    [
      'a share capital other than the bylaws',
      400,
      'share_capital_mismatch',
      { ...admission, shareSubscribed: { amount: 1, currency: rules.shareCapital.currency } },
      true,
    ],
  ])('refuses admitting with %s (%i %s), and changes nothing', async (_, status, code, body, apply) => {
    const holder = await accountHolder({}, apply);
    const before = await me(holder);
    const refused = await call('POST', `/api/steward/members/${holder.id}/admit`, await asSteward(), body);
    expect(refused.status, refused.text).toBe(status);
    expect(refused.body.error.code).toBe(code);
    expect(await me(holder)).toEqual(before);
  });

  it('refuses an unknown account with 404 and a document field with 400 unknown_field', async () => {
    const unknown = await call('POST', `/api/steward/members/${randomUUID()}/admit`, await asSteward(), admission);
    expect(unknown.status).toBe(404);
    const holder = await accountHolder({}, true);
    const withDocument = await call('POST', `/api/steward/members/${holder.id}/admit`, await asSteward(), {
      ...admission,
      passportNumber: 'X1234567',
    });
    expect(withDocument.status).toBe(400);
    expect(withDocument.body.error.details[0]).toMatchObject({ field: 'passportNumber', code: 'unknown_field' });
  });

  it('lets only stewards admit: a member admitting a puppet gets 403', async () => {
    const member = await registerAndLogin(app);
    const puppet = await accountHolder({}, true);
    const attempt = await call('POST', `/api/steward/members/${puppet.id}/admit`, await as(member), admission);
    expect(attempt.status).toBe(403);
    expect((await me(puppet)).membership.status).toBe('applicant');
  });
});

describe('refusal, resignation and exclusion', () => {
  it('refuses with a reason the applicant reads (never in the audit log), who may apply again', async () => {
    const holder = await accountHolder({}, true);
    const noReason = await call('POST', `/api/steward/members/${holder.id}/refuse`, await asSteward(), {});
    expect(noReason.status).toBe(400);
    const reason = 'The share capital was not paid within 30 days.';
    const refused = await call('POST', `/api/steward/members/${holder.id}/refuse`, await asSteward(), { reason });
    expect(refused.status, refused.text).toBe(200);
    expect((await me(holder)).membership).toMatchObject({ status: 'refused', votingRights: false, reason });
    const entries = await app.connection.db!.collection('audit_log').find({ 'data.memberId': holder.id }).toArray();
    expect(JSON.stringify(entries)).not.toContain('share capital was not paid');
    const stored = await app.connection.db!.collection('users').findOne({ _id: holder.id as never });
    expect(JSON.stringify(stored)).not.toContain('share capital was not paid');
    expect((await call('POST', '/api/me/membership/application', await as(holder))).status).toBe(201);
  });

  it("ends a resigning member's rights after the bylaws' notice, not before", async () => {
    const member = await registerAndLogin(app);
    app.clock.advance(HOUR);
    const token = await as(member);
    const empty = await call('POST', '/api/me/membership/resignation', token, {});
    expect(empty.status).toBe(400);
    expect((await me(member)).membership.status).toBe('admitted');
    const before = app.clock.now().getTime();
    const resigned = await call('POST', '/api/me/membership/resignation', token, { confirm: true });
    expect(resigned.status, resigned.text).toBe(200);
    expect(resigned.body.membership).toMatchObject({ status: 'resigned', votingRights: true });
    const notice = Date.parse(resigned.body.membership.endsAt) - rules.resignationNoticeDays * DAY;
    expect(notice).toBeGreaterThanOrEqual(before);
    expect(notice).toBeLessThanOrEqual(app.clock.now().getTime());
    const again = await call('POST', '/api/me/membership/resignation', await as(member), { confirm: true });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('membership_ending');

    app.clock.advance(HOUR);
    const during = await openProposal();
    expect((await vote(during, member, 'yes')).status).toBe(200);
    app.clock.advance(rules.resignationNoticeDays * DAY);
    expect((await me(member)).membership.votingRights).toBe(false);
    const after = await openProposal();
    const refused = await vote(after, member, 'yes');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('left');
    expect(await auditTypes(member.id)).toEqual(['membership.applied', 'membership.admitted', 'membership.resigned']);
  });

  it('excludes with a reason, ending the rights at once, also on a vote already open', async () => {
    const member = await registerAndLogin(app);
    app.clock.advance(HOUR);
    const id = await openProposal();
    const noReason = await call('POST', `/api/steward/members/${member.id}/exclude`, await asSteward(), { reason: '' });
    expect(noReason.status).toBe(400);
    const reason = 'Repeated breach of the bylaws.';
    const excluded = await call('POST', `/api/steward/members/${member.id}/exclude`, await asSteward(), { reason });
    expect(excluded.status, excluded.text).toBe(200);
    expect((await me(member)).membership).toMatchObject({ status: 'excluded', votingRights: false, reason });
    const refused = await vote(id, member, 'yes');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('left');
    const twice = await call('POST', `/api/steward/members/${member.id}/exclude`, await asSteward(), { reason });
    expect(twice.status).toBe(409);
    expect((await call('POST', '/api/me/membership/application', await as(member))).body.error.code).toBe(
      'membership_ended',
    );
  });

  it('refuses resignation by an account holder who is no member with 409 not_a_member', async () => {
    const holder = await accountHolder();
    const refused = await call('POST', '/api/me/membership/resignation', await as(holder), { confirm: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_a_member');
  });
});

describe('the register of members', () => {
  it('lists applicants with possible duplicates (same mailbox, same name and birth year) and never data', async () => {
    const tag = randomUUID().slice(0, 8);
    const first = await registerAndLogin(app, {
      email: `ada-${tag}@example.org`,
      name: 'Ada Lovelace',
      birthYear: 1985,
    });
    const sameMailbox = await accountHolder({ email: `ada-${tag}+coop@example.org`, name: 'A. L.' }, true);
    const samePerson = await accountHolder({ name: 'ADA  Lovelace', birthYear: 1985 }, true);
    const register = await call('GET', '/api/steward/members', await asSteward());
    expect(register.status).toBe(200);
    const entry = (id: string) => register.body.members.find((m: { id: string }) => m.id === id);
    expect(entry(sameMailbox.id).possibleDuplicates).toEqual([
      { id: first.id, name: 'Ada Lovelace', status: 'admitted', reasons: ['same_mailbox'] },
    ]);
    expect(entry(samePerson.id).possibleDuplicates).toEqual(
      expect.arrayContaining([
        { id: first.id, name: 'Ada Lovelace', status: 'admitted', reasons: ['same_name_birth_year'] },
      ]),
    );
    expect(entry(first.id)).toBeUndefined(); // default filter: applicants only
    expect(register.text).not.toMatch(/@example\\.org|birthYear|"email"/);
    const all = await call('GET', '/api/steward/members?status=all', await asSteward());
    expect(all.body.members.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining([first.id, sameMailbox.id, samePerson.id]),
    );
    const asMember = await call('GET', '/api/steward/members', await as(first));
    expect(asMember.status).toBe(403);
  });

  it('publishes the membership rules in force without sign-in', async () => {
    const response = await app.request('GET', '/api/membership/rules');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...rules, identityMethods: [...rules.identityMethods] });
  });

  it('registers with role member as an account holder with every data right, but no membership', async () => {
    const body = buildRegistration();
    const registered = await app.request('POST', '/api/auth/register', { body });
    expect(registered.status).toBe(201);
    expect(registered.body.membership).toEqual({ status: 'none', votingRights: false });
    expect(registered.body.memberSince).toBeUndefined();
  });
});
