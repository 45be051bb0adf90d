// The vault's per-process read cache (services/vault/chunk-cache.ts) never serves stale or erased data: another
// instance's upload is seen at once, and an erasure on another instance ends every read here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let first: TestApp;
let second: TestApp;

beforeAll(async () => {
  first = await createTestApp();
  second = await createTestApp({}, { dbName: first.connection.name, masterKey: first.masterKey });
});
afterAll(async () => {
  await second.close();
  await first.close();
});

const upload = (app: TestApp, token: string, values: number[], day: number) =>
  app.request('POST', '/api/me/observations', {
    token,
    body: {
      observations: values.map((value, i) => ({
        category: 'heart-rate',
        unit: '/min',
        value,
        effectiveAt: new Date(Date.UTC(2026, 9, day, 8, i)).toISOString(),
        source: 'manual',
      })),
    },
  });
const list = (app: TestApp, token: string) =>
  app.request('GET', '/api/me/observations?category=heart-rate&limit=1000', { token });

describe('vault read cache across instances', () => {
  it("sees another instance's upload on the next read", async () => {
    const member = await registerAndLogin(first);
    expect((await upload(first, member.accessToken, [61, 62], 1)).status).toBe(201);
    expect((await list(first, member.accessToken)).body.observations).toHaveLength(2); // now cached here
    expect((await upload(second, member.accessToken, [63], 2)).status).toBe(201);
    const again = await list(first, member.accessToken);
    expect(again.body.observations.map((o: { value: number }) => o.value)).toEqual([61, 62, 63]);
  });

  it('serves nothing of a member erased on another instance, though it was cached here', async () => {
    const member = await registerAndLogin(first);
    expect((await upload(first, member.accessToken, [70, 71, 72], 3)).status).toBe(201);
    expect((await list(first, member.accessToken)).body.observations).toHaveLength(3);
    const series = await first.services.vault.series(member.id, {
      category: 'heart-rate',
      bucket: 'day',
    });
    expect(series.points.length).toBeGreaterThan(0);

    const erased = await second.request('DELETE', '/api/me', {
      token: member.accessToken,
      body: { password: member.password },
    });
    expect(erased.status).toBe(204);
    expect((await list(first, member.accessToken)).status).toBe(401);
    // Past the token too: the use cases themselves refuse, because the member's key is gone.
    await expect(
      first.services.vault.series(member.id, { category: 'heart-rate', bucket: 'day' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
