// Notifications through the real app and a real SMTP server: a membership decision reaches the applicant in-app
// and by e-mail (once, in their language, with a working unsubscribe), and a member who switched the e-mail off
// still sees it in the app.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admitAccountHolder, BUILDER_STEWARD, login, registerAndLogin } from '../helpers/builders.js';
import { createAppWithSmtp, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import type { TestApp } from '../helpers/test-app.js';

let app: TestApp;
let smtp: SmtpTestServer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, smtp, close } = await createAppWithSmtp());
});
afterAll(() => close());
beforeEach(() => {
  smtp.received.length = 0;
});

const decisionMails = (address: string) =>
  smtp.received.filter((m) => m.to.includes(address) && /membership|adhésion/i.test(m.subject));

describe('membership decided', () => {
  it('tells the applicant in-app and by e-mail, once, in their language', async () => {
    const applicant = await registerAndLogin(app, { locale: 'fr' }, { admitted: false });
    await admitAccountHolder(app, applicant.id);
    await expect.poll(() => decisionMails(applicant.email).length, { timeout: 15_000 }).toBe(1);
    const [mail] = decisionMails(applicant.email);
    expect(mail!.subject).toBe("Votre demande d'adhésion a été traitée");
    expect(mail!.text).toContain('admission');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // The decision changed the account: a new token carries the new state.
    applicant.accessToken = (await login(app, applicant.email, applicant.password)).accessToken;
    const listed = await app.request('GET', '/api/me/notifications', { token: applicant.accessToken });
    expect(listed.body.notifications).toEqual([
      {
        id: expect.any(String),
        kind: 'membership-decided',
        params: { decision: 'admitted' },
        createdAt: expect.any(String),
        read: false,
      },
    ]);
    const id = listed.body.notifications[0].id;
    const stranger = await registerAndLogin(app);
    const foreign = await app.request('POST', `/api/me/notifications/${encodeURIComponent(id)}/read`, {
      token: stranger.accessToken,
    });
    expect(foreign.status).toBe(404);
    const read = await app.request('POST', `/api/me/notifications/${encodeURIComponent(id)}/read`, {
      token: applicant.accessToken,
    });
    expect(read.status).toBe(204);
    const after = await app.request('GET', '/api/me/notifications', { token: applicant.accessToken });
    expect(after.body.notifications[0].read).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(decisionMails(applicant.email)).toHaveLength(1);
  });

  it('keeps the in-app entry but sends no e-mail once the member switched that kind off', async () => {
    const applicant = await registerAndLogin(app, {}, { admitted: false });
    const off = await app.request('PUT', '/api/me/notification-settings/membership-decided', {
      token: applicant.accessToken,
      body: { email: false },
    });
    expect(off.body.settings).toContainEqual({ kind: 'membership-decided', email: false });
    expect(off.body.settings).toContainEqual({ kind: 'vote-opened', email: true });
    const now = app.clock.now();
    await app.services.members.applyForMembership(applicant.id, now);
    await app.services.members.refuseApplication(applicant.id, 'No share paid.', BUILDER_STEWARD, now);
    applicant.accessToken = (await login(app, applicant.email, applicant.password)).accessToken;
    const listed = await app.request('GET', '/api/me/notifications', { token: applicant.accessToken });
    expect(listed.body.notifications.map((n: any) => n.params)).toEqual([{ decision: 'refused' }]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(decisionMails(applicant.email)).toHaveLength(0);
  });

  it('refuses an unknown kind in the settings with the offending field', async () => {
    const member = await registerAndLogin(app);
    const response = await app.request('PUT', '/api/me/notification-settings/newsletter', {
      token: member.accessToken,
      body: { email: false },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('kind');
  });
});
