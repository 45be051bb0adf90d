// Conditional GETs on a member's series and observation list (issue 16): an unchanged answer is a bodiless 304, an
// upload changes the tag at once, and no tag of one member ever validates another member's answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let alice: BuiltAccount;
let bob: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  alice = await registerAndLogin(app);
  bob = await registerAndLogin(app);
});
afterAll(() => app.close());

const SERIES =
  '/api/me/series?category=heart-rate&bucket=day&from=2026-01-01T00:00:00.000Z&to=2026-02-01T00:00:00.000Z';
const LIST = '/api/me/observations?category=heart-rate&limit=50';

async function upload(member: BuiltAccount, value: number, at: string) {
  const reply = await app.request('POST', '/api/me/observations', {
    token: member.accessToken,
    body: { observations: [{ category: 'heart-rate', value, unit: '/min', effectiveAt: at }] },
  });
  expect(reply.status, reply.text).toBe(201);
}

const get = (member: BuiltAccount, path: string, etag?: string) =>
  app.request('GET', path, { token: member.accessToken, headers: etag ? { 'if-none-match': etag } : {} });

describe('conditional reads of a member’s own data', () => {
  it.each([
    ['series', SERIES],
    ['observation list', LIST],
  ])('the %s answers 304 while unchanged and 200 with a new tag after an upload', async (_name, path) => {
    await upload(alice, 61, '2026-01-05T08:00:00.000Z');
    const first = await get(alice, path);
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag')!;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toContain('Authorization');

    const again = await get(alice, path, tag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await get(alice, path, `W/${tag}`)).status).toBe(304); // weak comparison, as RFC 9110 asks for GET
    expect((await get(alice, path, `"something-else", ${tag}`)).status).toBe(304); // a list naming it
    expect((await get(alice, path, '"something-else"')).status).toBe(200);

    await upload(alice, 62 + Math.random(), '2026-01-06T08:00:00.000Z');
    const changed = await get(alice, path, tag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
    expect(JSON.stringify(changed.body)).not.toBe(JSON.stringify(first.body));
  });

  it('never lets one member’s tag validate another member’s answer, even with the same data and URL', async () => {
    await upload(bob, 61, '2026-01-05T08:00:00.000Z');
    const mine = await get(alice, SERIES);
    const theirs = await get(bob, SERIES);
    expect(theirs.headers.get('etag')).not.toBe(mine.headers.get('etag'));
    const crossed = await get(bob, SERIES, mine.headers.get('etag')!);
    expect(crossed.status).toBe(200);
    expect(crossed.body.points).toEqual(theirs.body.points);
  });

  it('answers a different query with a different tag, and a repeated one from memory with the same answer', async () => {
    const day = await get(alice, SERIES);
    const week = await get(alice, SERIES.replace('bucket=day', 'bucket=week'));
    expect(week.headers.get('etag')).not.toBe(day.headers.get('etag'));
    const repeated = await get(alice, SERIES);
    expect(repeated.body).toEqual(day.body);
    expect(repeated.headers.get('etag')).toBe(day.headers.get('etag'));
  });

  it('does not answer 304 to a request without a valid token', async () => {
    const tagged = await get(alice, SERIES);
    const anonymous = await app.request('GET', SERIES, { headers: { 'if-none-match': tagged.headers.get('etag')! } });
    expect(anonymous.status).toBe(401);
  });

  it('clears the browser’s cache of the site on sign-out', async () => {
    const signedOut = await app.request('POST', '/api/auth/logout', { body: { refreshToken: alice.refreshToken } });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get('clear-site-data')).toBe('"cache"');
  });
});
