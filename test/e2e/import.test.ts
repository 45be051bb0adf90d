// A member imports a small generated Apple Health export.zip in real Chromium: progress, then the summary (stored,
// already there, skipped by type) in English and, for a second import of the same file, in French.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { appleHealthExport } from '../helpers/health-exports.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { buildZip } from '../helpers/zip-writer.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;
let folder: string;
let exportZip: string;
const generated = appleHealthExport({ firstDay: '2025-05-01', days: 3, heartRatePerDay: 24 });

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Iris Importer' });
  folder = await mkdtemp(join(tmpdir(), 'datacoop-e2e-import-'));
  exportZip = join(folder, 'export.zip');
  await writeFile(exportZip, buildZip([{ name: 'apple_health_export/export.xml', data: generated.text }]));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('import page in the browser', { timeout: 120_000 }, () => {
  it('imports an Apple Health export.zip and shows the summary, then a second import stores nothing new (French)', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/data`);
    await page.getByRole('heading', { name: 'Import from a health app' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Apple Health').check();
    await page.locator('#import-file').setInputFiles(exportZip);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(`New values stored: ${generated.expected.received}`).waitFor();
    await page.getByText('Already stored before: 0').waitFor();
    const skipped = page.locator('coop-import-section table').first();
    await expect.poll(() => skipped.locator('tbody tr').count()).toBe(Object.keys(generated.expected.skipped).length);
    expect(await skipped.textContent()).toContain('HKQuantityTypeIdentifierRestingHeartRate');
    expect(await page.locator('#import-progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-import-summary');
    expect(problems).toEqual([]);
    await context.close();

    const second = await openPage(browser);
    await signIn(second.page, app.baseUrl, member.email, member.password, '/dashboard');
    await second.page.goto(`${app.baseUrl}/data`);
    await second.page.getByLabel('Language').selectOption('fr');
    await second.page.getByRole('heading', { name: 'Importer depuis une application de santé' }).waitFor();
    await second.page.locator('#import-file').setInputFiles(exportZip);
    await second.page.getByRole('button', { name: 'Importer', exact: true }).click();
    await second.page.getByText('Nouvelles valeurs enregistrées : 0').waitFor();
    await second.page.getByText(`Déjà enregistrées auparavant : ${generated.expected.received}`).waitFor();
    expect(await seriousAxeViolations(second.page)).toEqual([]);
    expect(second.problems).toEqual([]);
    await second.context.close();
  });

  it('shows why an export without export.xml is refused', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/data`);
    const empty = join(folder, 'empty.zip');
    await writeFile(empty, buildZip([{ name: 'apple_health_export/export_cda.xml', data: '<x/>' }]));
    await page.locator('#import-file').setInputFiles(empty);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('This archive has no export.xml').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
