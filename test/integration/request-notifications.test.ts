// A researcher hears once, by e-mail and in the app, that the vote their request became was decided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, issueAccessToken } from '../helpers/builders.js';
import { createAppWithSmtp, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import type { TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers, verifiedResearcher } from './research-fixture.js';

let app: TestApp;
let smtp: SmtpTestServer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, smtp, close } = await createAppWithSmtp());
});
afterAll(() => close());

describe('request decided', () => {
  it('tells the researcher the outcome once, however often the job runs', async () => {
    const steward = await createStewardAndLogin(app);
    const voters = await seedMembers(app, 3);
    const researcher = await verifiedResearcher(app, steward.id);
    const { proposalId } = await carryPolicy(app, steward.id, researcher, voters, { title: 'Heart rate by age' });
    await app.request('GET', `/api/proposals/${proposalId}`, {
      token: await issueAccessToken(app, steward.id, 'steward', app.clock.now()),
    });
    await app.services.runVoteNotices(app.clock.now());
    await app.services.runVoteNotices(app.clock.now());
    const decided = () => smtp.received.filter((m) => m.subject === 'Your data request was decided');
    await expect.poll(() => decided().length, { timeout: 15_000 }).toBe(1);
    expect(decided()[0]!.text).toContain('"Heart rate by age" was decided: approved');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(decided()).toHaveLength(1);
    const listed = await app.request('GET', '/api/me/notifications', { token: await researcher.token() });
    expect(listed.body.notifications).toContainEqual(
      expect.objectContaining({
        kind: 'request-decided',
        params: { title: 'Heart rate by age', decision: 'approved' },
      }),
    );
  });
});
