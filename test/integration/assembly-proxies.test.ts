// Proxies (Art. 886 CO) through HTTP against the real database: naming, revoking, voting for the principal, and
// every refusal leaving nothing changed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotListDigest, receiptFromSecret, tallyFromBallotList } from '../../policies/assembly/ballot-receipts.js';
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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 7 * DAY + HOUR;

let app: TestApp;
let stewardId: string;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
});
afterAll(() => app.close());

const secret = () => randomBytes(32).toString('hex');
const asSteward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());
const at = (offsetMs: number) => new Date(app.clock.now().getTime() + offsetMs).toISOString();
const call = (method: string, path: string, token: string, body?: unknown): Promise<TestResponse> =>
  app.request(method, path, { token, ...(body !== undefined && { body }) });

async function openProposal(): Promise<string> {
  const steward = await asSteward();
  const drafted = await call('POST', '/api/proposals', steward, {
    kind: 'access-policy',
    title: 'Sleep study',
    summary: 'Aggregate sleep duration by region.',
    policy: buildAccessPolicy(app.clock.now()),
  });
  expect(drafted.status, drafted.text).toBe(201);
  const opened = await call('POST', `/api/proposals/${drafted.body.id}/open`, steward, { closesAt: at(WINDOW) });
  expect(opened.status, opened.text).toBe(200);
  return drafted.body.id as string;
}

const electorate = (count: number) =>
  insertMembers(app, count, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
const name = async (id: string, principal: { id: string }, proxy: { email: string }) =>
  call('PUT', `/api/proposals/${id}/proxy`, await asMember(principal), { proxyEmail: proxy.email });
const revoke = async (id: string, principal: { id: string }) =>
  call('DELETE', `/api/proposals/${id}/proxy`, await asMember(principal));
const vote = async (id: string, member: { id: string }, choice: string, ballotSecret = secret()) =>
  call('POST', `/api/proposals/${id}/ballots`, await asMember(member), { choice, secret: ballotSecret });
const voteAsProxy = async (id: string, proxy: { id: string }, choice: string, ballotSecret = secret()) =>
  call('POST', `/api/proposals/${id}/proxy-ballots`, await asMember(proxy), { choice, secret: ballotSecret });
const mandates = async (id: string, member: { id: string }) =>
  (await call('GET', `/api/proposals/${id}/proxy`, await asMember(member))).body;
const code = (response: TestResponse) => [response.status, response.body?.error?.code];
const turnout = async (id: string) => (await call('GET', `/api/proposals/${id}`, await asSteward())).body.turnout;

async function countedResults(id: string) {
  app.clock.advance(WINDOW + FINALISATION_GRACE_MS + 1_000);
  const response = await call('GET', `/api/proposals/${id}/results`, await asSteward());
  expect(response.status, response.text).toBe(200);
  return response.body.result;
}

describe('a proxy votes for the member who named them', () => {
  it('casts one extra ballot, counted once, with the receipt shown to the principal', async () => {
    const [principal, proxy] = await electorate(2);
    const id = await openProposal();
    const named = await name(id, principal!, proxy!);
    expect(named.status, named.text).toBe(200);
    expect(named.body.asPrincipal).toMatchObject({ proxyId: proxy!.id, votedByProxy: false, receipt: null });
    expect((await mandates(id, proxy!)).asProxy).toMatchObject({ principalId: principal!.id, voted: false });

    const proxySecret = secret();
    const byProxy = await voteAsProxy(id, proxy!, 'yes', proxySecret);
    expect(byProxy.status, byProxy.text).toBe(200);
    expect(byProxy.body.receipt).toBe(receiptFromSecret(proxySecret));
    const own = await vote(id, proxy!, 'no');
    expect(own.status, own.text).toBe(200);
    expect(await turnout(id)).toBe(2);
    expect((await mandates(id, principal!)).asPrincipal).toMatchObject({
      votedByProxy: true,
      receipt: receiptFromSecret(proxySecret),
    });

    // The proxy may change the principal's ballot with the same secret, never with another.
    expect((await voteAsProxy(id, proxy!, 'abstain', proxySecret)).body.changed).toBe(true);
    expect((await voteAsProxy(id, proxy!, 'no')).body.error.code).toBe('ballot_secret_invalid');

    const result = await countedResults(id);
    expect(result.totals).toMatchObject({ yes: 0, no: 1, abstain: 1, cast: 2 });
    expect(result.ballots).toContainEqual({ receipt: receiptFromSecret(proxySecret), choice: 'abstain' });
    expect(ballotListDigest(result.ballots)).toBe(result.ballotListDigest);
    expect(tallyFromBallotList(result.ballots)).toMatchObject({ yes: 0, no: 1, abstain: 1 });
  });

  it("lets the principal's own ballot supersede the proxy's, whichever comes first", async () => {
    const [early, earlyProxy, late, lateProxy] = await electorate(4);
    const id = await openProposal();
    // The proxy first, then the principal: the principal's ballot replaces it.
    expect((await name(id, late!, lateProxy!)).status).toBe(200);
    expect((await voteAsProxy(id, lateProxy!, 'yes')).status).toBe(200);
    expect((await vote(id, late!, 'no')).status).toBe(200);
    expect((await mandates(id, late!)).asPrincipal).toMatchObject({ votedByProxy: false, receipt: null });
    // The principal first, then the proxy: the proxy is refused.
    expect((await name(id, early!, earlyProxy!)).status).toBe(200);
    expect((await vote(id, early!, 'no')).status).toBe(200);
    const refused = await voteAsProxy(id, earlyProxy!, 'yes');
    expect([refused.status, refused.body.error.code]).toEqual([409, 'principal_voted']);
    expect(await turnout(id)).toBe(2);

    const result = await countedResults(id);
    expect(result.totals).toMatchObject({ yes: 0, no: 2, cast: 2 });
  });

  it('voids the ballot of a revoked proxy, and refuses revocation after close', async () => {
    const [principal, proxy] = await electorate(2);
    const id = await openProposal();
    await name(id, principal!, proxy!);
    expect((await voteAsProxy(id, proxy!, 'yes')).status).toBe(200);
    const revoked = await revoke(id, principal!);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.asPrincipal).toBeNull();
    expect(await turnout(id)).toBe(0);
    const after = await voteAsProxy(id, proxy!, 'yes');
    expect([after.status, after.body.error.code]).toEqual([409, 'not_a_proxy']);
    expect((await revoke(id, principal!)).body.error.code).toBe('no_proxy_named');

    // Named again, then the vote closes: revocation is refused and the proxy's ballot stands.
    expect((await name(id, principal!, proxy!)).status).toBe(200);
    expect((await voteAsProxy(id, proxy!, 'no')).status).toBe(200);
    app.clock.advance(WINDOW);
    const late = await revoke(id, principal!);
    expect([late.status, late.body.error.code]).toEqual([409, 'voting_closed']);
    const result = await countedResults(id);
    expect(result.totals).toMatchObject({ yes: 0, no: 1, cast: 1 });
  });
});

describe('a naming interrupted half-way', () => {
  it('is completed by the retry, and the proxy can vote', async () => {
    const [principal, proxy] = await electorate(2);
    const id = await openProposal();
    // The request died after the principal's side was written and before the proxy's.
    await app.connection.db!.collection('proxy_mandates').insertOne({
      _id: `${id}:${principal!.id}` as never,
      proposalId: id,
      userId: principal!.id,
      role: 'principal',
      partnerId: proxy!.id,
      namedAt: app.clock.now(),
    });
    expect(code(await voteAsProxy(id, proxy!, 'yes'))).toEqual([409, 'not_a_proxy']);
    expect((await name(id, principal!, proxy!)).status).toBe(200);
    expect((await voteAsProxy(id, proxy!, 'yes')).status).toBe(200);
    expect(await turnout(id)).toBe(1);
  });
});

describe('refusals: 4xx with a stable code, nothing changed', () => {
  let id: string;
  let members: InsertedMember[];
  beforeAll(async () => {
    members = await electorate(6);
    id = await openProposal();
  });

  async function expectRefused(response: TestResponse, status: number, code: string) {
    expect([response.status, response.body.error.code], response.text).toEqual([status, code]);
    expect(await turnout(id)).toBe(0);
  }

  it('refuses an account holder naming a proxy, and an account holder named as proxy', async () => {
    const holder = await registerAndLogin(app, {}, { admitted: false });
    await expectRefused(await name(id, holder, members[0]!), 403, 'not_a_member');
    await expectRefused(await name(id, members[0]!, holder), 409, 'proxy_not_eligible');
    await expectRefused(await voteAsProxy(id, holder, 'yes'), 403, 'not_a_member');
    expect((await mandates(id, members[0]!)).asPrincipal).toBeNull();
  });

  it('refuses a researcher, an unknown address and oneself as proxy', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Bern' });
    await expectRefused(await name(id, members[0]!, researcher), 409, 'proxy_not_eligible');
    await expectRefused(await name(id, members[0]!, { email: 'nobody-here@example.org' }), 409, 'proxy_not_eligible');
    const self = await name(id, members[0]!, members[0]!);
    await expectRefused(self, 400, 'proxy_is_self');
    expect(self.body.error.details).toContainEqual(expect.objectContaining({ field: 'proxyEmail' }));
  });

  it('refuses a second proxy, one proxy for two principals, and chains either way', async () => {
    const [a, b, c, d] = members;
    expect((await name(id, a!, b!)).status).toBe(200);
    expect((await name(id, a!, b!)).status).toBe(200); // the same naming again is a safe retry
    await expectRefused(await name(id, a!, c!), 409, 'proxy_already_named');
    await expectRefused(await name(id, c!, b!), 409, 'proxy_already_representing');
    await expectRefused(await name(id, b!, c!), 409, 'proxy_chain'); // a proxy naming a proxy
    await expectRefused(await name(id, d!, a!), 409, 'proxy_chain'); // a principal as someone's proxy
    expect((await mandates(id, c!)).asPrincipal).toBeNull();
    expect((await mandates(id, b!)).asProxy).toMatchObject({ principalId: a!.id });
  });

  it('refuses a proxy ballot from a member who holds no mandate', async () => {
    await expectRefused(await voteAsProxy(id, members[5]!, 'yes'), 409, 'not_a_proxy');
  });

  it('refuses naming a proxy after voting oneself', async () => {
    const [, , , , e, f] = members;
    expect((await vote(id, e!, 'yes')).status).toBe(200);
    const refused = await name(id, e!, f!);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'already_voted']);
    expect(await turnout(id)).toBe(1);
  });

  it('refuses a steward (stewards do not vote)', async () => {
    const response = await call('PUT', `/api/proposals/${id}/proxy`, await asSteward(), {
      proxyEmail: members[1]!.email,
    });
    expect([response.status, response.body.error.code]).toEqual([403, 'role_not_allowed']);
  });
});
