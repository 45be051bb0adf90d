import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOTIFICATION_MAIL_KINDS, type Mail, type MailRequest } from '../../../services/mail/index.js';
import type { Keyring } from '../../../services/crypto/keyring.js';
import { connectTestDatabase } from '../../helpers/test-app.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../helpers/smtp-test-server.js';
import { createTestMail, mailKeyring } from './mail-test-context.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
let keyring: Keyring;
let smtp: SmtpTestServer;
const opened: Mail[] = [];

beforeAll(async () => {
  database = await connectTestDatabase();
  keyring = await mailKeyring(database.connection);
});
afterAll(async () => {
  await database.dropAndClose();
});
beforeEach(async () => {
  smtp = await startSmtpTestServer();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((mail) => mail.close()));
  await smtp.close();
  await database.connection.collection('mail_queue').deleteMany({});
});

async function open(overrides = {}) {
  const context = await createTestMail(database.connection, keyring, smtp.url, overrides);
  opened.push(context.mail);
  return context;
}

function request(overrides: Partial<MailRequest> = {}): MailRequest {
  return {
    kind: 'vote-opened',
    recipientId: randomUUID(),
    to: `person-${randomUUID().slice(0, 8)}@example.org`,
    locale: 'en',
    params: { name: 'Ada', title: 'Budget 2027', closesAt: '2027-01-10', url: 'http://coop.test/#/votes' },
    ...overrides,
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mail sender', () => {
  it.each(NOTIFICATION_MAIL_KINDS.flatMap((kind) => (['en', 'fr'] as const).map((locale) => [kind, locale] as const)))(
    'delivers a %s message once, in %s, with a working one-click unsubscribe',
    async (kind, locale) => {
      const { mail } = await open();
      const message = request({ kind, locale });
      await mail.enqueue(message, new Date());
      mail.startSender({ pollMs: 50 });
      const [received] = await smtp.waitFor(1);
      expect(received!.to).toEqual([message.to]);
      expect(received!.headers['content-language']).toBe(locale);
      expect(received!.html).toContain(`lang="${locale}"`);
      expect(received!.text).toContain(locale === 'fr' ? 'Bonjour Ada' : 'Hello Ada');
      expect(received!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      const link = /<(http:\/\/coop\.test\/api\/mail\/unsubscribe\?token=[\w.-]+)>/.exec(
        received!.headers['list-unsubscribe'] ?? '',
      )?.[1];
      expect(link).toBeDefined();
      expect(received!.text).toContain(link);
      // The link's token switches this kind off: the next message of the kind is not sent, another kind is.
      expect(await mail.unsubscribe(new URL(link!).searchParams.get('token')!, new Date())).toEqual({ kind });
      await mail.enqueue({ ...message, params: { ...message.params, title: 'Second' } }, new Date());
      const otherKind = kind === 'vote-opened' ? 'vote-reminder' : 'vote-opened';
      await mail.enqueue({ ...message, kind: otherKind }, new Date());
      await smtp.waitFor(2);
      await settle(300);
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received[1]!.subject).not.toContain('Second');
    },
  );

  it('refuses a forged or altered unsubscribe token, and never unsubscribes from account-security mail', async () => {
    const { mail } = await open();
    await mail.enqueue(request(), new Date());
    mail.startSender({ pollMs: 50 });
    const [received] = await smtp.waitFor(1);
    const token = /token=([\w.-]+)>/.exec(received!.headers['list-unsubscribe']!)![1]!;
    const [payload, signature] = token.split('.');
    const otherAccount = Buffer.from(`${randomUUID()}.vote-opened`).toString('base64url');
    expect(await mail.unsubscribe(`${otherAccount}.${signature}`, new Date())).toBeNull();
    expect(await mail.unsubscribe(`${payload}.${signature!.slice(0, -2)}AA`, new Date())).toBeNull();
    expect(await mail.unsubscribe('not-a-token', new Date())).toBeNull();
    const accountMail = request({ kind: 'password-reset', params: { name: 'Ada', url: 'http://coop.test/#/reset' } });
    await mail.enqueue(accountMail, new Date());
    const [, reset] = await smtp.waitFor(2);
    expect(reset!.headers['list-unsubscribe']).toBeUndefined();
  });

  it('keeps neither the address nor the content readable at rest, and audits without content', async () => {
    const { mail, audit } = await open();
    const message = request({ params: { name: 'Ada Lovelace', title: 'Secret title', url: 'http://coop.test/x' } });
    const id = await mail.enqueue(message, new Date());
    const stored = await database.connection.collection('mail_queue').findOne({ _id: id as never });
    const bytes = JSON.stringify(stored);
    for (const secret of [message.to, 'Ada Lovelace', 'Secret title']) expect(bytes).not.toContain(secret);
    mail.startSender({ pollMs: 50 });
    await smtp.waitFor(1);
    await expect.poll(() => audit.map((e) => e.type)).toContain('mail.sent');
    const sent = await database.connection.collection('mail_queue').findOne({ _id: id as never });
    expect(sent).toMatchObject({ status: 'sent' });
    expect(sent!.sealed).toBeUndefined();
    const logged = JSON.stringify(audit);
    for (const secret of [message.to, 'Ada Lovelace', 'Secret title', 'Budget']) expect(logged).not.toContain(secret);
  });

  it('retries a message the server refused, with backoff, until it is accepted once', async () => {
    const { mail, audit } = await open();
    smtp.refuseNext(2);
    await mail.enqueue(request(), new Date());
    mail.startSender({ pollMs: 20 });
    await smtp.waitFor(1);
    // The audit entry follows the server's acceptance: wait for it rather than for a fixed time.
    await expect.poll(() => audit.find((e) => e.type === 'mail.sent')?.data).toMatchObject({ attempt: 3 });
    expect(smtp.received).toHaveLength(1);
    expect(audit.filter((e) => e.type === 'mail.retry_scheduled')).toHaveLength(2);
  });

  it('gives up after the last attempt, and forgets the content', async () => {
    const { mail, audit } = await open({ maxAttempts: 2 });
    smtp.refuseNext(10);
    const id = await mail.enqueue(request(), new Date());
    mail.startSender({ pollMs: 20 });
    await expect.poll(() => audit.map((e) => e.type), { timeout: 10_000 }).toContain('mail.failed');
    const failed = await database.connection.collection('mail_queue').findOne({ _id: id as never });
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, lastError: '451' });
    expect(failed!.sealed).toBeUndefined();
  });

  it('queues one message for a repeated dedupe key', async () => {
    const { mail } = await open();
    const message = request({ dedupeKey: `vote-opened:${randomUUID()}` });
    await Promise.all([mail.enqueue(message, new Date()), mail.enqueue(message, new Date())]);
    mail.startSender({ pollMs: 20 });
    await smtp.waitFor(1);
    await mail.enqueue(message, new Date());
    await settle(300);
    expect(smtp.received).toHaveLength(1);
  });

  it('loses and duplicates nothing when the sender stops mid-queue and a new one takes over', async () => {
    const first = await open();
    const messages = Array.from({ length: 24 }, () => request());
    for (const message of messages) await first.mail.enqueue(message, new Date());
    smtp.delayEach(40);
    first.mail.startSender({ pollMs: 20 });
    await smtp.waitFor(5);
    await first.mail.close();
    const afterStop = smtp.received.length;
    expect(afterStop).toBeLessThan(messages.length);
    const second = await open();
    second.mail.startSender({ pollMs: 20 });
    await smtp.waitFor(messages.length);
    await settle(300);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(messages.map((m) => m.to).sort());
  });

  it('sends each message once when two instances send from the same queue at once', async () => {
    const a = await open();
    const b = await open();
    const messages = Array.from({ length: 30 }, () => request());
    for (const message of messages) await a.mail.enqueue(message, new Date());
    a.mail.startSender({ pollMs: 10 });
    b.mail.startSender({ pollMs: 10 });
    await smtp.waitFor(messages.length);
    await settle(400);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(messages.map((m) => m.to).sort());
  });
});
