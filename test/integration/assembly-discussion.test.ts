// Deliberation through HTTP against the real database: announcing a draft for discussion, the minimum discussion
// period, the thread (posts, replies, limits, who may read and write), hiding by stewards, and erased authors; and
// bylaws that forbid proxies.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  insertMembers,
  issueAccessToken,
  registerAndLogin,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp, type TestResponse } from '../helpers/test-app.js';
import { requestBody, verifiedResearcher } from './research-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 7 * DAY + HOUR;

let app: TestApp;
let stewardId: string;
let members: InsertedMember[];

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  members = await insertMembers(app, 12, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
});
afterAll(() => app.close());

const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());
const at = (offsetMs: number) => new Date(app.clock.now().getTime() + offsetMs).toISOString();
const call = (method: string, path: string, token: string, body?: unknown): Promise<TestResponse> =>
  app.request(method, path, { token, ...(body !== undefined && { body }) });
const code = (response: TestResponse) => [response.status, response.body?.error?.code];

async function draft(): Promise<string> {
  const response = await call('POST', '/api/proposals', await asSteward(), {
    kind: 'access-policy',
    title: 'Sleep study',
    summary: 'Aggregate sleep duration by region.',
    policy: buildAccessPolicy(app.clock.now()),
  });
  expect(response.status, response.text).toBe(201);
  return response.body.id as string;
}
const announce = async (id: string) => call('POST', `/api/proposals/${id}/announce`, await asSteward());
const openVote = async (id: string) =>
  call('POST', `/api/proposals/${id}/open`, await asSteward(), { closesAt: at(WINDOW) });
const postAs = (token: string, id: string, text: string, parentId?: string) =>
  call('POST', `/api/proposals/${id}/discussion`, token, { text, ...(parentId && { parentId }) });
const threadAs = async (token: string, id: string) => call('GET', `/api/proposals/${id}/discussion`, token);

describe('announcing a proposal for discussion', () => {
  it('shows an announced draft to members, still editable, announced once, and opens it later', async () => {
    const id = await draft();
    const member = await asMember(members[0]!);
    expect((await call('GET', `/api/proposals/${id}`, member)).status).toBe(404);
    const announced = await announce(id);
    expect(announced.status, announced.text).toBe(200);
    expect(announced.body).toMatchObject({ status: 'announced', announcedAt: expect.any(String) });
    expect((await call('GET', `/api/proposals/${id}`, member)).body.status).toBe('announced');
    // Members see the impact preview as soon as the proposal is announced.
    const impact = await call('GET', `/api/proposals/${id}/impact`, member);
    expect(impact.status, impact.text).toBe(200);
    const listed = await call('GET', '/api/proposals?status=announced', member);
    expect(listed.body.proposals.map((p: { id: string }) => p.id)).toContain(id);
    expect(code(await announce(id))).toEqual([409, 'already_announced']);
    expect((await call('PATCH', `/api/proposals/${id}`, await asSteward(), { title: 'Sleep study (v2)' })).status).toBe(
      200,
    );
    expect((await openVote(id)).body).toMatchObject({ status: 'open', title: 'Sleep study (v2)' });
    expect(code(await announce(id))).toEqual([409, 'proposal_not_draft']);
  });

  it('refuses a member announcing', async () => {
    const id = await draft();
    expect(code(await call('POST', `/api/proposals/${id}/announce`, await asMember(members[0]!)))).toEqual([
      403,
      'role_not_allowed',
    ]);
  });
});

describe('the discussion thread', () => {
  let id: string;
  beforeAll(async () => {
    id = await draft();
    await announce(id);
  });

  it('takes posts and one level of replies from members and stewards, in order, with names', async () => {
    const question = await postAs(await asMember(members[1]!), id, 'Who sees my sleep data?\nOnly totals?');
    expect(question.status, question.text).toBe(201);
    expect(question.body).toMatchObject({ parentId: null, mine: true, text: 'Who sees my sleep data?\nOnly totals?' });
    const answer = await postAs(await asSteward(), id, 'Only aggregates with at least 11 people.', question.body.id);
    expect(answer.status, answer.text).toBe(201);
    const nested = await postAs(await asMember(members[1]!), id, 'Thanks!', answer.body.id);
    expect(code(nested)).toEqual([400, 'reply_too_deep']);
    const thread = await threadAs(await asMember(members[2]!), id);
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({ status: 'announced', accepting: true });
    expect(thread.body.posts).toEqual([
      expect.objectContaining({
        id: question.body.id,
        author: { name: expect.any(String), role: 'member' },
        mine: false,
      }),
      expect.objectContaining({ parentId: question.body.id, author: expect.objectContaining({ role: 'steward' }) }),
    ]);
  });

  it.each([
    ['empty', '   ', 'post_empty'],
    ['over 2,000 characters', 'a'.repeat(2_001), 'post_too_long'],
    ['a direction override', 'Alice\u202Eecila', 'invalid_characters'],
    ['a control character', 'bell\u0007', 'invalid_characters'],
  ])('refuses a post that is %s, storing nothing', async (_, text, expected) => {
    const before = (await threadAs(await asSteward(), id)).body.posts.length;
    const response = await postAs(await asMember(members[3]!), id, text);
    expect(code(response)).toEqual([400, expected]);
    expect(response.body.error.details).toContainEqual(expect.objectContaining({ field: 'text' }));
    expect((await threadAs(await asSteward(), id)).body.posts).toHaveLength(before);
  });

  it('refuses a reply to a post of another thread', async () => {
    const other = await draft();
    await announce(other);
    const elsewhere = await postAs(await asMember(members[4]!), other, 'Elsewhere');
    expect(code(await postAs(await asMember(members[4]!), id, 'Reply', elsewhere.body.id))).toEqual([
      400,
      'invalid_parent',
    ]);
  });

  it('limits each author to five posts per ten minutes, exactly, also when sent at once', async () => {
    const token = await asMember(members[5]!);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => postAs(token, id, `Point ${i}`)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429).map((r) => r.body.error.code)).toEqual(
      Array(3).fill('rate_limited'),
    );
    app.clock.advance(10 * 60_000);
    expect((await postAs(await asMember(members[5]!), id, 'Later')).status).toBe(201);
  });

  it('refuses an account holder and hides the thread from researchers who did not ask', async () => {
    const holder = await registerAndLogin(app, {}, { admitted: false });
    expect(code(await postAs(holder.accessToken, id, 'Hello'))).toEqual([403, 'not_a_member']);
    expect(code(await threadAs(holder.accessToken, id))).toEqual([403, 'not_a_member']);
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Bern' });
    expect((await threadAs(researcher.accessToken, id)).status).toBe(404);
    expect((await postAs(researcher.accessToken, id, 'Hello')).status).toBe(404);
  });

  it('lets the researcher whose request became the proposal read the thread and answer questions', async () => {
    const researcher = await verifiedResearcher(app, stewardId);
    const other = await verifiedResearcher(app, stewardId);
    const filed = await call('POST', '/api/research/requests', await researcher.token(), requestBody());
    expect(filed.status, filed.text).toBe(201);
    const proposed = await call('POST', `/api/research/requests/${filed.body.id}/proposal`, await asSteward());
    expect(proposed.status, proposed.text).toBe(201);
    const id = proposed.body.proposal.id as string;
    expect((await announce(id)).status).toBe(200);
    expect((await postAs(await asMember(members[5]!), id, 'Who will see my region?')).status).toBe(201);
    const answer = await postAs(await researcher.token(), id, 'Only counts per region, never below the cell size.');
    expect(answer.status, answer.text).toBe(201);
    const thread = await threadAs(await researcher.token(), id);
    expect(thread.status).toBe(200);
    expect(JSON.stringify(thread.body)).toContain('never below the cell size');
    // Another researcher, even a verified one, stays out.
    expect((await threadAs(await other.token(), id)).status).toBe(404);
  });

  it('keeps a draft thread closed to members, and to stewards until announced', async () => {
    const unannounced = await draft();
    expect((await postAs(await asMember(members[0]!), unannounced, 'Early')).status).toBe(404);
    expect(code(await postAs(await asSteward(), unannounced, 'Early'))).toEqual([409, 'discussion_not_open']);
  });

  it('lets a steward hide a post with a reason, shown in its place, once; never without a reason', async () => {
    const target = await postAs(await asMember(members[6]!), id, 'Buy cheap watches at example.com');
    const path = `/api/proposals/${id}/discussion/${target.body.id}/hide`;
    expect(code(await call('POST', path, await asSteward(), { reason: ' ' }))).toEqual([400, 'reason_required']);
    expect(code(await call('POST', path, await asMember(members[7]!), { reason: 'spam' }))).toEqual([
      403,
      'role_not_allowed',
    ]);
    const hidden = await call('POST', path, await asSteward(), { reason: 'Advertising' });
    expect(hidden.status, hidden.text).toBe(200);
    expect(hidden.body).toMatchObject({ text: null, hidden: { reason: 'Advertising' } });
    expect(code(await call('POST', path, await asSteward(), { reason: 'Again' }))).toEqual([
      409,
      'post_already_hidden',
    ]);
    const shown = (await threadAs(await asMember(members[0]!), id)).body.posts.find(
      (p: { id: string }) => p.id === target.body.id,
    );
    expect(shown).toMatchObject({ text: null, hidden: { reason: 'Advertising' } });
    expect(JSON.stringify((await threadAs(await asMember(members[0]!), id)).body)).not.toContain('cheap watches');
    const audit = await call('GET', '/api/audit/entries?type=discussion.post_hidden', await asSteward());
    expect(audit.status, audit.text).toBe(200);
    expect(audit.text).toContain(target.body.id);
  });

  it('shows an erased author as a former member', async () => {
    const author = await registerAndLogin(app, { name: 'Leaving Member' });
    const other = await draft();
    await announce(other);
    expect((await postAs(author.accessToken, other, 'My last words')).status).toBe(201);
    const erased = await call('DELETE', '/api/me', author.accessToken, { password: author.password });
    expect(erased.status, erased.text).toBe(204);
    const [post] = (await threadAs(await asSteward(), other)).body.posts;
    expect(post.author).toEqual({ name: null, role: 'member' });
    // The text was theirs: gone from the answer and from the database, the post's place kept.
    expect(post).toMatchObject({ text: null, erased: true });
    const stored = await app.connection.collection('proposal_posts').find({ authorId: author.id }).toArray();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain('My last words');
  });

  it('refuses posts once the vote has closed', async () => {
    const voted = await draft();
    await announce(voted);
    await openVote(voted);
    expect((await postAs(await asMember(members[8]!), voted, 'During the vote')).status).toBe(201);
    app.clock.advance(WINDOW + FINALISATION_GRACE_MS);
    const late = await postAs(await asMember(members[8]!), voted, 'Too late');
    expect(code(late)).toEqual([409, 'discussion_closed']);
    expect((await threadAs(await asMember(members[8]!), voted)).body).toMatchObject({ accepting: false });
  });
});

describe('bylaws version 2: a minimum discussion period, and no proxies', () => {
  it('refuses opening before the period ends or without an announcement, and refuses naming a proxy', async () => {
    // Adopt bylaws version 2 with a 48-hour discussion period and proxies not allowed.
    const amendment = await call('POST', '/api/proposals', await asSteward(), {
      kind: 'amend-bylaws',
      title: 'Discuss before voting',
      summary: 'Two days of discussion before every vote.',
      amendment: { assembly: { minDiscussionHours: 48, proxies: { allowed: false } } },
    });
    expect(amendment.status, amendment.text).toBe(201);
    const opened = await call('POST', `/api/proposals/${amendment.body.id}/open`, await asSteward(), {
      closesAt: at(15 * DAY),
    });
    expect(opened.status, opened.text).toBe(200);
    for (const member of members) {
      await call('POST', `/api/proposals/${amendment.body.id}/ballots`, await asMember(member), {
        choice: 'yes',
        secret: randomBytes(32).toString('hex'),
      });
    }
    app.clock.advance(15 * DAY + FINALISATION_GRACE_MS + 1_000);
    const bylaws = await app.request('GET', '/api/bylaws');
    expect(bylaws.body.inForce.bylaws.assembly).toEqual({ minDiscussionHours: 48, proxies: { allowed: false } });

    const id = await draft();
    expect(code(await openVote(id))).toEqual([409, 'discussion_required']);
    await announce(id);
    app.clock.advance(47 * HOUR);
    expect(code(await openVote(id))).toEqual([409, 'discussion_period_not_over']);
    expect((await call('GET', `/api/proposals/${id}`, await asSteward())).body.status).toBe('announced');
    app.clock.advance(HOUR);
    expect((await openVote(id)).status).toBe(200);

    const named = await call('PUT', `/api/proposals/${id}/proxy`, await asMember(members[0]!), {
      proxyEmail: members[1]!.email,
    });
    expect(code(named)).toEqual([409, 'proxies_not_allowed']);
    expect((await call('GET', `/api/proposals/${id}/proxy`, await asMember(members[0]!))).body.asPrincipal).toBeNull();
  });
});
