import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let steward: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  steward = await createStewardAndLogin(app);
});
afterAll(() => app.close());

describe('researcher verification', () => {
  it('lists pending researchers and verifies one', async () => {
    const researcher = await registerAndLogin(app, {
      role: 'researcher',
      organisation: 'ETH Zurich',
      name: 'Dr. Pending',
    });
    const pending = await app.request('GET', '/api/steward/researchers?status=pending', { token: steward.accessToken });
    expect(pending.status).toBe(200);
    expect(pending.body.researchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: researcher.id, name: 'Dr. Pending', verification: 'pending' }),
      ]),
    );

    const verified = await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
      token: steward.accessToken,
      body: { organisation: 'ETH Zürich', nonProfit: true },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ verification: 'verified', nonProfit: true, organisation: 'ETH Zürich' });

    // The researcher's token carries the state it was issued with: now stale, refused until the client refreshes.
    const stale = await app.request('GET', '/api/me', { token: researcher.accessToken });
    expect(stale.status).toBe(401);
    const refreshed = await app.request('POST', '/api/auth/refresh', {
      body: { refreshToken: researcher.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const me = await app.request('GET', '/api/me', { token: refreshed.body.accessToken });
    expect(me.body).toMatchObject({ verification: 'verified', nonProfit: true });
    const stillPending = await app.request('GET', '/api/steward/researchers', { token: steward.accessToken });
    expect(stillPending.body.researchers.map((r: { id: string }) => r.id)).not.toContain(researcher.id);
  });

  it('answers 404 for a member id or an unknown id', async () => {
    const member = await registerAndLogin(app);
    for (const id of [member.id, '00000000-0000-4000-8000-000000000000']) {
      const response = await app.request('POST', `/api/steward/researchers/${id}/verify`, {
        token: steward.accessToken,
        body: { organisation: 'Somewhere', nonProfit: false },
      });
      expect(response.status).toBe(404);
    }
  });

  it.each(['member', 'researcher'])('forbids a %s from verifying', async (role) => {
    const caller = await registerAndLogin(app, role === 'researcher' ? { role, organisation: 'Uni' } : { role });
    const target = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni' });
    const response = await app.request('POST', `/api/steward/researchers/${target.id}/verify`, {
      token: caller.accessToken,
      body: { organisation: 'Uni', nonProfit: true },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('role_not_allowed');
  });
});
