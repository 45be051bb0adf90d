// Log-in throttling that cannot be turned against the owner: growing delays per (account, address) and per account,
// an address budget that accounts known at that address do not depend on. Requests come from distinct loopback
// source addresses (127.0.0.x), as from distinct machines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_WIDE_FACTOR, ACCOUNT_WIDE_MAX_DELAY_SECONDS } from '../../services/members/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { postFrom, type AddressedReply } from '../helpers/from-address.js';

const WINDOW_SECONDS = 900;
const FREE_FAILURES = 3;
const ATTEMPTS_PER_ADDRESS = 12;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(FREE_FAILURES),
    LOGIN_MAX_ATTEMPTS_PER_IP: String(ATTEMPTS_PER_ADDRESS),
  });
});
afterAll(() => app.close());

/** POST /api/auth/login with the TCP connection bound to `source` (a loopback address) as the client's address. */
const loginFrom = (source: string, email: string, password: string) =>
  postFrom(app.baseUrl, source, '/api/auth/login', { email, password });

const guess = (source: string, account: BuiltAccount, n: number) =>
  loginFrom(source, account.email, `wrong guess ${n}`);

describe('log-in throttling', () => {
  it('lets the owner log in from another address while one address guesses the password', async () => {
    const victim = await registerAndLogin(app);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await guess('127.0.0.11', victim, i)).status);
    expect(statuses.slice(0, FREE_FAILURES)).toEqual(Array(FREE_FAILURES).fill(401));
    expect(statuses.slice(FREE_FAILURES)).toEqual(Array(8 - FREE_FAILURES).fill(429));
    // The attacking address waits, even with the right password (it cannot tell a good guess by the answer) …
    const attacker = await loginFrom('127.0.0.11', victim.email, victim.password);
    expect(attacker.status).toBe(429);
    expect(attacker.body.error?.code).toBe('rate_limited');
    // … while the owner, elsewhere, is not locked out.
    const owner = await loginFrom('127.0.0.12', victim.email, victim.password);
    expect(owner.status).toBe(200);
  });

  it('grows the delay (2 s, 4 s, 8 s) instead of locking, and lets the right password in once it has passed', async () => {
    const account = await registerAndLogin(app);
    const source = '127.0.0.13';
    for (let i = 0; i < FREE_FAILURES; i++) expect((await guess(source, account, i)).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const refused = await guess(source, account, 100 + i);
      expect(refused.status).toBe(429);
      waits.push(refused.retryAfter!);
      app.clock.advance(refused.retryAfter! * 1000);
      expect((await guess(source, account, 200 + i)).status, 'one guess after each delay').toBe(401);
    }
    // The delays double; each is counted from the failure before it, so the real time an Argon2id check takes in
    // between (the test clock follows the real one) may round a Retry-After down by one second on a busy machine.
    const doubling = [2, 4, 8];
    waits.forEach((wait, i) => expect([doubling[i]! - 1, doubling[i]]).toContain(wait));
    const early = await loginFrom(source, account.email, account.password);
    expect(early.status).toBe(429);
    expect([15, 16]).toContain(early.retryAfter);
    app.clock.advance(16_000);
    expect((await loginFrom(source, account.email, account.password)).status).toBe(200);
    // The right password clears the delay: a typo afterwards costs nothing.
    expect((await guess(source, account, 300)).status).toBe(401);
    expect((await loginFrom(source, account.email, account.password)).status).toBe(200);
  });

  it('lets one guess through per delay, however many arrive at once', async () => {
    const account = await registerAndLogin(app);
    const source = '127.0.0.14';
    for (let i = 0; i < FREE_FAILURES; i++) expect((await guess(source, account, i)).status).toBe(401);
    app.clock.advance(2_000);
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => guess(source, account, 10 + i)));
    const statuses = burst.map((reply) => reply.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });

  it('slows an attack spread over many addresses account-wide, by a minute at most for the owner', async () => {
    const victim = await registerAndLogin(app);
    const failures = FREE_FAILURES * ACCOUNT_WIDE_FACTOR + 2;
    // Each address stays within its own free failures; together they pass the account-wide threshold.
    const statuses: number[] = [];
    for (let i = 0; i < failures; i++)
      statuses.push((await guess(`127.0.1.${1 + Math.floor(i / FREE_FAILURES)}`, victim, i)).status);
    expect(statuses.slice(0, FREE_FAILURES * ACCOUNT_WIDE_FACTOR)).toEqual(
      Array(FREE_FAILURES * ACCOUNT_WIDE_FACTOR).fill(401),
    );
    expect(statuses.slice(FREE_FAILURES * ACCOUNT_WIDE_FACTOR)).toEqual([429, 429]);
    const owner = await loginFrom('127.0.0.15', victim.email, victim.password);
    expect(owner.status).toBe(429);
    expect(owner.retryAfter).toBeLessThanOrEqual(ACCOUNT_WIDE_MAX_DELAY_SECONDS);
    app.clock.advance(owner.retryAfter! * 1000);
    expect((await loginFrom('127.0.0.15', victim.email, victim.password)).status).toBe(200);
  });

  it('keeps letting accounts known at a hammered address (one NAT for a whole assembly) log in', async () => {
    // Start of a fresh address window, so the budget below is this test's alone.
    app.clock.advance(WINDOW_SECONDS * 1000 - (app.clock.now().getTime() % (WINDOW_SECONDS * 1000)) + 1);
    const nat = '127.0.0.16';
    const regular = await registerAndLogin(app);
    expect((await loginFrom(nat, regular.email, regular.password)).status).toBe(200);
    let last: AddressedReply | undefined;
    for (let i = 0; i <= ATTEMPTS_PER_ADDRESS; i++) {
      last = await loginFrom(nat, `nobody-${i}@example.org`, 'whatever1');
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    // The member who logged in from this address before is not blocked by the hammering …
    expect((await loginFrom(nat, regular.email, regular.password)).status).toBe(200);
    // … a first log-in from it waits for the window (at most LOGIN_WINDOW_SECONDS), as does the hammering machine.
    const newcomer = await registerAndLogin(app);
    const first = await loginFrom(nat, newcomer.email, newcomer.password);
    expect(first.status).toBe(429);
    expect(first.retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    app.clock.advance(first.retryAfter! * 1000);
    expect((await loginFrom(nat, newcomer.email, newcomer.password)).status).toBe(200);
  });
});
