// The member's browser as a witness, in real Chromium: it remembers the audit log's checkpoint, and after the log is
// rewritten on the database and re-signed (the operator's forgery), the next visit shows a loud warning.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit, entryHash, entryLeaf } from '../../services/audit/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Wanda Witness' });
  for (let i = 0; i < 20; i++) await app.services.audit.append('test.event', 'system', { i }, new Date());
  await app.services.audit.checkpointNow(new Date());
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Forgery (b) on the database: entry 5 edited, chain and leaves recomputed, every checkpoint deleted, re-signed. */
async function rewriteAndReSign(): Promise<void> {
  const entries = app.connection.db!.collection<Record<string, any>>('audit_log');
  const all = await entries.find().sort({ _id: 1 }).toArray();
  let prevHash = all[3]!.hash as string;
  for (const doc of all.slice(4)) {
    const entry = { ...doc, seq: doc._id, prevHash, ...((doc._id as unknown) === 5 && { data: { forged: true } }) };
    const { seq: _seq, ...stored } = { ...entry, hash: entryHash(entry as never), leaf: entryLeaf(entry as never) };
    await entries.replaceOne({ _id: doc._id }, stored);
    prevHash = stored.hash;
  }
  await app.connection.db!.collection('audit_signed_checkpoints').deleteMany({});
  // An instance without the anchor file signs the forged log with the genuine key.
  const anchorDir = join(tmpdir(), 'datacoop-test', `fresh-${randomUUID()}`);
  await createAudit({
    connection: app.connection,
    keyring: app.services.keyring,
    options: { ...app.config.audit, anchorDir },
  });
}

describe('the audit checkpoint watch in the browser', { timeout: 120_000 }, () => {
  it('remembers the checkpoint, shows nothing while all is well, and warns after a rewrite', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    const seen = () => page.evaluate(() => localStorage.getItem('datacoop.audit.checkpoint'));
    await expect.poll(seen, { timeout: 20_000 }).not.toBeNull();
    expect(await page.getByRole('alert').count()).toBe(0);

    await rewriteAndReSign();
    await page.reload();
    const warning = page.getByRole('alert').filter({ hasText: 'the audit log was rewritten' });
    await warning.waitFor({ timeout: 20_000 });
    await expect.poll(() => warning.textContent()).toContain('not part of the log the cooperative shows now');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The checkpoint it saw is kept, so the warning stays on the next visit too.
    const kept = JSON.parse((await seen())!) as { size: number };
    expect(kept.size).toBeGreaterThan(0);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'the audit log was rewritten' }).waitFor({ timeout: 20_000 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
