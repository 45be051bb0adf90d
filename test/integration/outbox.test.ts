// Without SMTP_URL every message goes to the local outbox: `npm run coop -- outbox` lists and prints them, and in
// demo mode (only) the API shows them too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistration } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const outboxDir = mkdtempSync(join(tmpdir(), 'datacoop-outbox-'));
let demo: TestApp;
let plain: TestApp;

beforeAll(async () => {
  demo = await createTestApp({ MAIL_OUTBOX_DIR: outboxDir, DATACOOP_DEMO: 'true' });
  plain = await createTestApp({});
});
afterAll(async () => {
  await demo.close();
  await plain.close();
  rmSync(outboxDir, { recursive: true, force: true });
});

function coop(args: string[]) {
  return spawnSync('npx', ['tsx', 'services/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MAIL_OUTBOX_DIR: outboxDir, LOG_LEVEL: 'silent' },
  });
}

describe('the local outbox', () => {
  it('keeps the verification mail of a registration, listed and printed by the CLI and the demo API', async () => {
    const registration = buildRegistration({ locale: 'fr' });
    expect((await demo.request('POST', '/api/auth/register', { body: registration })).status).toBe(201);
    await expect
      .poll(async () => (await demo.request('GET', '/api/demo/outbox')).body?.length ?? 0, { timeout: 15_000 })
      .toBe(1);
    const [entry] = (await demo.request('GET', '/api/demo/outbox')).body;
    expect(entry).toMatchObject({ to: registration.email, subject: 'Confirmez votre adresse e-mail' });
    const message = await demo.request('GET', `/api/demo/outbox/${entry.file}`);
    expect(message.status).toBe(200);
    expect(message.text).toContain('/verify-email?token=');

    const listed = coop(['outbox']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`${entry.file}\t${registration.email}\tConfirmez votre adresse e-mail`);
    const printed = coop(['outbox', '--latest']);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('Content-Language: fr');
    expect(coop(['outbox', '../../etc/passwd']).status).toBe(1);
  });

  it('is not served outside demo mode, and refuses paths that leave it', async () => {
    expect((await plain.request('GET', '/api/demo/outbox')).status).toBe(404);
    const escape = await demo.request('GET', '/api/demo/outbox/..%2F..%2Fmaster.key');
    expect(escape.status).toBe(400);
  });
});
