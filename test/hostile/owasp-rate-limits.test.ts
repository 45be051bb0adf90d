// OWASP API4 (unrestricted resource consumption): every operation whose document promises 429 keeps the promise —
// 429 rate_limited with a Retry-After no longer than the window — and limits only whom it should. Driven by
// /openapi.json: an operation that starts documenting 429 needs a way to reach it here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConnections, operationsOf, send, type Operation, type RawResponse } from './hostile-http.js';
import { buildWorld, type World } from './hostile-world.js';

const LOGIN_WINDOW_SECONDS = 900;
const FAILURES_PER_ACCOUNT = 3;
const ATTEMPTS_PER_ADDRESS = 30;

let world: World;
let operations: Operation[];
beforeAll(async () => {
  world = await buildWorld({
    LOGIN_WINDOW_SECONDS: String(LOGIN_WINDOW_SECONDS),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
    LOGIN_MAX_ATTEMPTS_PER_IP: String(ATTEMPTS_PER_ADDRESS),
  });
  operations = operationsOf(world.openapi);
}, 180_000);
afterAll(async () => {
  closeConnections();
  await world?.app.close();
});

const json = (method: string, path: string, body: unknown, token?: string) =>
  send(world.app.baseUrl, {
    method,
    path,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });

function expectLimited(response: RawResponse, windowSeconds: number): void {
  expect(response.status, response.text).toBe(429);
  expect(response.json).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('rate limits: 429 with Retry-After wherever the document promises it', () => {
  it('promises 429 exactly on registration, log-in, password reset, research queries and pseudonymised exports', () => {
    const limited = operations.filter((o) => o.responses['429']).map((o) => `${o.method} ${o.path}`);
    expect(limited.sort()).toEqual(
      [
        'POST /api/auth/register',
        'POST /api/auth/step-up',
        'POST /api/auth/login',
        'POST /api/auth/password-reset',
        'POST /api/research/queries',
        'GET /api/research/policies/{id}/export',
        'POST /api/proposals/{id}/discussion',
      ].sort(),
    );
  });

  it('limits discussion posts per author per ten minutes, not other authors', async () => {
    const post = (token: string) =>
      json('POST', `/api/proposals/${world.proposals.open}/discussion`, { text: 'A question' }, token);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(world.member.accessToken)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    expectLimited(await post(world.member.accessToken), 600);
    expect((await post(world.steward.accessToken)).status).toBe(201);
  });

  it('limits failed log-ins per account, then refuses even the right password, and not another account', async () => {
    const victim = await world.throwaway('member');
    const bystander = await world.throwaway('member');
    for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
      expect((await json('POST', '/api/auth/login', { email: victim.email, password: 'wrong password' })).status).toBe(
        401,
      );
    }
    // The e-mail in another case is the same account.
    expectLimited(
      await json('POST', '/api/auth/login', { email: victim.email.toUpperCase(), password: victim.password }),
      LOGIN_WINDOW_SECONDS,
    );
    expect(
      (await json('POST', '/api/auth/login', { email: bystander.email, password: bystander.password })).status,
    ).toBe(200);
  });

  it('limits attempts per client address whatever the accounts, and answers each over-limit attempt the same', async () => {
    // The address's budget is counted in fixed windows of the clock: start this test just after a window begins, so
    // that no boundary falls between its attempts (one did once, at 01:00:00, and the budget reset half-way).
    const windowMs = LOGIN_WINDOW_SECONDS * 1000;
    const nowMs = world.app.clock.now().getTime();
    world.app.clock.advance(Math.ceil(nowMs / windowMs) * windowMs - nowMs + 1_000);
    // An account that has never logged in from this address.
    const stranger = { email: `stranger-${Date.now()}@example.org`, password: 'a long enough password' };
    await world.app.services.members.register({ ...stranger, name: 'Stranger', role: 'member' }, world.app.clock.now());
    // Earlier tests of this file used some of this address's attempts; spend the rest on unknown accounts.
    let response: RawResponse | undefined;
    for (let i = 0; i <= ATTEMPTS_PER_ADDRESS; i++) {
      response = await json('POST', '/api/auth/login', { email: `nobody-${i}@example.org`, password: 'whatever1' });
      if (response.status === 429) break;
      expect(response.status).toBe(401);
    }
    expectLimited(response!, LOGIN_WINDOW_SECONDS);
    // An account never used from this address is refused too, with the same body: the limit reveals no account.
    const first = await json('POST', '/api/auth/login', { email: stranger.email, password: stranger.password });
    expectLimited(first, LOGIN_WINDOW_SECONDS);
    expect(first.json).toEqual(response!.json);
    // An account that logged in from here before is not locked out by the hammering (one NAT, a whole assembly) …
    const known = await json('POST', '/api/auth/login', { email: world.member.email, password: world.member.password });
    expect(known.status, known.text).toBe(200);
    // … and a wrong password for it gets the same over-limit answer as everyone else: the exemption reveals nothing.
    const guessed = await json('POST', '/api/auth/login', { email: world.member.email, password: 'not the password' });
    expectLimited(guessed, LOGIN_WINDOW_SECONDS);
    expect(guessed.json).toEqual(response!.json);
    // Registrations share the address's budget (each costs an Argon2id hash): refused, and no account is created.
    const email = `newcomer-${Date.now()}@example.org`;
    const registration = { email, password: 'a long enough password', name: 'Newcomer', role: 'member' };
    expectLimited(await json('POST', '/api/auth/register', registration), LOGIN_WINDOW_SECONDS);
    expect(await world.app.services.members.findIdByEmail(email)).toBeNull();
    // The window passes: log-in works again.
    world.app.clock.advance(LOGIN_WINDOW_SECONDS * 1000);
    const later = await json('POST', '/api/auth/login', { email: stranger.email, password: stranger.password });
    expect(later.status, later.text).toBe(200);
  });

  it('limits research queries and exports together per researcher per minute, not other researchers', async () => {
    const perMinute = world.app.services.research.options.queriesPerMinute;
    expect(perMinute).toBeGreaterThan(0);
    // Fresh tokens at the (possibly advanced) clock, and a minute of its own.
    world.app.clock.advance(60_000 - (world.app.clock.now().getTime() % 60_000) + 1);
    const login = async (who: World['researcher']) =>
      (
        (await json('POST', '/api/auth/login', { email: who.email, password: who.password })).json as {
          accessToken: string;
        }
      ).accessToken;
    const researcher = await login(world.researcher);
    const other = await login(world.otherResearcher);
    const query = { policyId: world.policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.001 };
    const statuses: number[] = [];
    for (let i = 0; i < perMinute - 1; i++)
      statuses.push((await json('POST', '/api/research/queries', query, researcher)).status);
    const exported = await send(world.app.baseUrl, {
      method: 'GET',
      path: `/api/research/policies/${world.policyId}/export?category=heart-rate`,
      headers: { authorization: `Bearer ${researcher}` },
    });
    statuses.push(exported.status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expectLimited(await json('POST', '/api/research/queries', query, researcher), 60);
    expectLimited(
      await send(world.app.baseUrl, {
        method: 'GET',
        path: `/api/research/policies/${world.policyId}/export?category=heart-rate`,
        headers: { authorization: `Bearer ${researcher}` },
      }),
      60,
    );
    expect((await json('POST', '/api/research/queries', query, other)).status).not.toBe(429);
    // The next minute: the researcher may ask again.
    world.app.clock.advance(60_000);
    expect((await json('POST', '/api/research/queries', query, await login(world.researcher))).status).not.toBe(429);
  });
});
