// Uploading a European spreadsheet through the API: the time zone and date order are query parameters, validated at
// the edge, and part of what an Idempotency-Key stands for.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const swiss = readFileSync(new URL('../../fixtures/uploads/swiss-spreadsheet.csv', import.meta.url), 'utf8');
let app: TestApp;
let member: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

const upload = (query: string, headers: Record<string, string> = {}) =>
  app.request('POST', `/api/me/observations${query}`, {
    token: member.accessToken,
    rawBody: swiss,
    headers: { 'content-type': 'text/csv', ...headers },
  });

describe('European spreadsheets over the API', () => {
  it('asks for the date order, refuses an unknown time zone, then stores in the given zone', async () => {
    const asked = await upload('?timeZone=Europe/Zurich');
    expect(asked.status).toBe(400);
    expect(asked.body.error.details[0]).toMatchObject({ field: 'effectiveAt', code: 'ambiguous_date_order' });
    const badZone = await upload('?timeZone=Mars/Olympus_Mons&dateOrder=day-first');
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details[0].field).toBe('timeZone');
    const badOrder = await upload('?timeZone=Europe/Zurich&dateOrder=year-first');
    expect(badOrder.status).toBe(400);

    const stored = await upload('?timeZone=Europe/Zurich&dateOrder=day-first', { 'idempotency-key': 'swiss-1' });
    expect(stored.status, stored.text).toBe(201);
    expect(stored.body.stored).toBe(3);
    const list = await app.request('GET', '/api/me/observations?limit=10', { token: member.accessToken });
    expect(list.body.observations.map((o: { effectiveAt: string }) => o.effectiveAt)).toEqual([
      '2024-03-14T07:05:00.000Z',
      '2024-03-21T06:55:00.000Z',
      '2024-04-03T04:30:00.000Z',
    ]);

    // The same key with another reading of the dates is another request, not a replay.
    const reused = await upload('?timeZone=Europe/Zurich&dateOrder=month-first', { 'idempotency-key': 'swiss-1' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    const replay = await upload('?timeZone=Europe/Zurich&dateOrder=day-first', { 'idempotency-key': 'swiss-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});
