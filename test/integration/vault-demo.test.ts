import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCooperative } from '../../services/demo/demo-cooperative.js';
import { login } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const fixture = fileURLToPath(new URL('../../fixtures/demo-cooperative.json', import.meta.url));
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe('demo cooperative data', () => {
  it('gives every demo member a year of observations, once, quickly', async () => {
    const started = Date.now();
    await seedDemoCooperative(app.services.members, fixture, app.clock.now, app.services.vault);
    expect(Date.now() - started).toBeLessThan(20_000);
    const { accessToken } = await login(app, 'anna@demo.datacoop.ch', 'demo-member-2026');
    const series = await app.request('GET', '/api/me/series?category=heart-rate&bucket=month', { token: accessToken });
    expect(series.status).toBe(200);
    expect(series.body.points.length).toBeGreaterThanOrEqual(12);
    const weekly = await app.request('GET', '/api/me/series?category=steps&bucket=week', { token: accessToken });
    expect(weekly.body.points.length).toBeGreaterThanOrEqual(52);

    const before = await app.request('GET', '/api/me/export?format=csv', { token: accessToken });
    await seedDemoCooperative(app.services.members, fixture, app.clock.now, app.services.vault);
    const after = await app.request('GET', '/api/me/export?format=csv', { token: accessToken });
    expect(after.text).toBe(before.text);
  });
});
