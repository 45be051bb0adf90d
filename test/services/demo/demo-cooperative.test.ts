import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCooperative } from '../../../services/demo/demo-cooperative.js';
import { login } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const fixture = fileURLToPath(new URL('../../../fixtures/demo-cooperative.json', import.meta.url));
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe('demo cooperative', () => {
  it('creates the steward, members and researchers once; a second run creates nothing', async () => {
    expect(await seedDemoCooperative(app.services.members, fixture, app.clock.now)).toMatchObject({ created: 9 });
    expect(await seedDemoCooperative(app.services.members, fixture, app.clock.now)).toMatchObject({ created: 0 });
  });

  it('lets the README demo accounts log in with their roles', async () => {
    const cases = [
      ['steward@demo.datacoop.ch', 'demo-steward-2026', { role: 'steward' }],
      [
        'anna@demo.datacoop.ch',
        'demo-member-2026',
        { role: 'member', region: 'CH04', membership: { status: 'admitted', votingRights: true } },
      ],
      [
        'tom@demo.datacoop.ch',
        'demo-member-2026',
        { role: 'member', membership: { status: 'applicant', votingRights: false } },
      ],
      ['researcher@demo.datacoop.ch', 'demo-researcher-2026', { role: 'researcher', verification: 'verified' }],
      ['pending@demo.datacoop.ch', 'demo-researcher-2026', { role: 'researcher', verification: 'pending' }],
    ] as const;
    for (const [email, password, expected] of cases) {
      const { accessToken } = await login(app, email, password);
      expect((await app.request('GET', '/api/me', { token: accessToken })).body).toMatchObject(expected);
    }
  });
});
