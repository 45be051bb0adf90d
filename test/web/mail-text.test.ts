// The outbox page's reading of a stored message: nodemailer's own output (the outbox transport's composer), with
// accents, a long link that quoted-printable folds, and an HTML alternative, reads back as the plain text sent.
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { plainTextOf } from '../../web-components/src/mail-text.js';

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
const compose = async (message: Record<string, unknown>) =>
  (
    (await composer.sendMail({ from: 'coop@example.org', to: 'anna@example.org', ...message })).message as Buffer
  ).toString('utf8');

const link = `http://127.0.0.1:8080/verify-email#token=${'x'.repeat(90)}`;
const text = `Bonjour Anna,\n\nConfirmez votre adresse e-mail : ${link}\n\nÀ bientôt, l’équipe Datacoop — ça marche ?`;

describe('plainTextOf', () => {
  it('reads the text part of a multipart message with an HTML alternative, links unbroken', async () => {
    const raw = await compose({ subject: 'Vérifiez', text, html: `<p>${text}</p>` });
    expect(raw).toContain('multipart/alternative');
    expect(plainTextOf(raw)).toBe(text);
  });

  it('reads a single-part message, quoted-printable or base64', async () => {
    expect(plainTextOf(await compose({ subject: 'QP', text }))).toBe(text);
    expect(plainTextOf(await compose({ subject: 'B64', text, textEncoding: 'base64' }))).toBe(text);
    expect(plainTextOf(await compose({ subject: 'ASCII', text: 'plain ascii only' }))).toBe('plain ascii only');
  });

  it('answers null for a message without a text part', async () => {
    expect(plainTextOf(await compose({ subject: 'HTML', html: '<p>only html</p>' }))).toBeNull();
    expect(plainTextOf('')).toBe('');
  });
});
