// The vote notifications, from the scheduled job in the notifications context: vote opened (every member who may
// vote), reminder before close (only those who have not voted), outcome published — each once, however often the
// job runs, by e-mail through a real SMTP server and in the app.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import { buildAccessPolicy, createStewardAndLogin, issueAccessToken, registerAndLogin } from '../helpers/builders.js';
import { createAppWithSmtp, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import type { TestApp } from '../helpers/test-app.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let app: TestApp;
let smtp: SmtpTestServer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, smtp, close } = await createAppWithSmtp());
});
afterAll(() => close());

const mailsOf = (address: string, subject: RegExp) =>
  smtp.received.filter((m) => m.to.includes(address) && subject.test(m.subject));
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('vote notifications', () => {
  it('announces the vote, reminds only who has not voted, announces the outcome — each once', async () => {
    const steward = await createStewardAndLogin(app);
    const voter = await registerAndLogin(app, { locale: 'fr' });
    const idle = await registerAndLogin(app);
    app.clock.advance(1000);
    const asSteward = () => issueAccessToken(app, steward.id, 'steward', app.clock.now());
    const draft = await app.request('POST', '/api/proposals', {
      token: await asSteward(),
      body: {
        kind: 'access-policy',
        title: 'Sleep study, University of Bern',
        summary: 'Aggregate sleep duration by region for 12 months.',
        policy: buildAccessPolicy(app.clock.now()),
      },
    });
    const id = draft.body.id as string;
    const closesAt = new Date(app.clock.now().getTime() + 7 * DAY + HOUR);
    const opened = await app.request('POST', `/api/proposals/${id}/open`, {
      token: await asSteward(),
      body: { closesAt: closesAt.toISOString() },
    });
    expect(opened.status, opened.text).toBe(200);

    await app.services.runVoteNotices(app.clock.now());
    await app.services.runVoteNotices(app.clock.now());
    await expect.poll(() => mailsOf(voter.email, /vote est ouvert/).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => mailsOf(idle.email, /A vote is open/).length, { timeout: 15_000 }).toBe(1);
    expect(mailsOf(voter.email, /vote est ouvert/)[0]!.text).toContain(`http://coop.test/votes/${id}`);

    const ballot = await app.request('POST', `/api/proposals/${id}/ballots`, {
      token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
      body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
    });
    expect(ballot.status, ballot.text).toBe(200);

    app.clock.advance(7 * DAY);
    await app.services.runVoteNotices(app.clock.now());
    await app.services.runVoteNotices(app.clock.now());
    await expect.poll(() => mailsOf(idle.email, /closes soon/).length, { timeout: 15_000 }).toBe(1);
    await settle();
    expect(mailsOf(voter.email, /termine bientôt|closes soon/)).toHaveLength(0);

    app.clock.advance(HOUR + FINALISATION_GRACE_MS + 1000);
    await app.request('GET', `/api/proposals/${id}`, { token: await asSteward() }); // finalises
    await app.services.runVoteNotices(app.clock.now());
    await app.services.runVoteNotices(app.clock.now());
    await expect.poll(() => mailsOf(voter.email, /résultat est publié/).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => mailsOf(idle.email, /outcome is published/).length, { timeout: 15_000 }).toBe(1);
    await settle();
    expect(mailsOf(idle.email, /A vote is open/)).toHaveLength(1);

    const listed = await app.request('GET', '/api/me/notifications', {
      token: await issueAccessToken(app, idle.id, 'member', app.clock.now()),
    });
    expect(listed.body.notifications.map((n: any) => n.kind).sort()).toEqual([
      'membership-decided',
      'outcome-published',
      'vote-opened',
      'vote-reminder',
    ]);
  });

  it('tells only the members whose consent an approved policy includes, once, in their language, with an unsubscribe', async () => {
    const steward = await createStewardAndLogin(app);
    const included = await registerAndLogin(app, { locale: 'fr' });
    const notIncluded = await registerAndLogin(app);
    const consent = await app.request('PUT', '/api/me/consent', {
      token: included.accessToken,
      body: { categories: { 'sleep-duration': 'aggregate' } },
    });
    expect(consent.status, consent.text).toBe(200);
    app.clock.advance(1000);
    const asSteward = () => issueAccessToken(app, steward.id, 'steward', app.clock.now());
    const title = 'Sleep and shift work, consented members';
    const draft = await app.request('POST', '/api/proposals', {
      token: await asSteward(),
      body: {
        kind: 'access-policy',
        title,
        summary: 'Mean sleep by region.',
        policy: buildAccessPolicy(app.clock.now()),
      },
    });
    const id = draft.body.id as string;
    const closesAt = new Date(app.clock.now().getTime() + 7 * DAY + HOUR);
    await app.request('POST', `/api/proposals/${id}/open`, {
      token: await asSteward(),
      body: { closesAt: closesAt.toISOString() },
    });
    for (const voter of [included, notIncluded]) {
      const ballot = await app.request('POST', `/api/proposals/${id}/ballots`, {
        token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
        body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
      });
      expect(ballot.status, ballot.text).toBe(200);
    }
    app.clock.advance(7 * DAY + HOUR + FINALISATION_GRACE_MS + 1000);
    await app.request('GET', `/api/proposals/${id}`, { token: await asSteward() }); // finalises
    await app.services.runVoteNotices(app.clock.now());
    await app.services.runVoteNotices(app.clock.now());
    const policyMails = (address: string) => mailsOf(address, /politique de recherche inclurait|policy would include/);
    await expect.poll(() => policyMails(included.email).length, { timeout: 15_000 }).toBe(1);
    await settle();
    expect(policyMails(included.email)).toHaveLength(1);
    expect(policyMails(notIncluded.email)).toHaveLength(0);
    const [mail] = policyMails(included.email);
    expect(mail!.subject).toBe('Une nouvelle politique de recherche inclurait vos données');
    expect(mail!.text).toContain(title);
    // Nobody else's inclusion shows: the message names only the policy, and goes to the one address.
    expect(mail!.to).toEqual([included.email]);
    expect(mail!.text).not.toContain(notIncluded.email);
    const inApp = async (account: { id: string }) =>
      (
        await app.request('GET', '/api/me/notifications', {
          token: await issueAccessToken(app, account.id, 'member', app.clock.now()),
        })
      ).body.notifications.map((n: any) => n.kind);
    expect(await inApp(included)).toContain('policy-includes-you');
    expect(await inApp(notIncluded)).not.toContain('policy-includes-you');
    const link = /<http:\/\/coop\.test(\/api\/mail\/unsubscribe\?token=[\w.-]+)>/.exec(
      mail!.headers['list-unsubscribe']!,
    )![1]!;
    const done = await app.request('POST', link, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.body).toEqual({ kind: 'policy-includes-you' });
    expect(await app.services.mail.optedOutKinds(included.id)).toEqual(['policy-includes-you']);
  });
});
