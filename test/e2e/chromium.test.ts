// DATACOOP_CHROMIUM: which Chromium the browser tests and bench:web launch.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chooseChromium } from './chromium.js';

const missing = join(tmpdir(), 'datacoop-no-such-chromium');
const present = process.execPath; // any existing file stands in for /usr/bin/chromium

describe('chooseChromium', { timeout: 120_000 }, () => {
  it.each([undefined, '', 'auto'])('takes the system Chromium when it is installed (setting %j)', async (setting) => {
    const choice = await chooseChromium({ DATACOOP_CHROMIUM: setting }, { system: present });
    expect(choice).toEqual({ kind: 'system', executablePath: present, env: {} });
  });

  it('takes the bundled Chromium, unpacked and executable, when the system one is missing', async () => {
    const choice = await chooseChromium({}, { system: missing });
    expect(choice.kind).toBe('bundled');
    expect(choice.executablePath).toMatch(/datacoop-chromium-[\d.]+\/chromium$/);
    expect(statSync(choice.executablePath).mode & 0o111).not.toBe(0);
    expect(existsSync(join(choice.env.FONTCONFIG_PATH!, 'fonts.conf'))).toBe(true);
  });

  it('takes the bundled Chromium when asked, even with the system one installed', async () => {
    expect((await chooseChromium({ DATACOOP_CHROMIUM: 'bundled' }, { system: present })).kind).toBe('bundled');
  });

  it('unpacks once, completely, when several callers ask at the same time, and the result runs', async () => {
    const unpackInto = mkdtempSync(join(tmpdir(), 'datacoop-chromium-test-'));
    try {
      const choices = await Promise.all(
        [1, 2].map(() => chooseChromium({ DATACOOP_CHROMIUM: 'bundled' }, { system: missing, unpackInto })),
      );
      expect(new Set(choices.map((c) => c.executablePath)).size).toBe(1);
      expect(readdirSync(unpackInto)).toEqual([basename(dirname(choices[0]!.executablePath))]);
      const browser = await chromium.launch({
        executablePath: choices[0]!.executablePath,
        args: [...CHROMIUM_ARGS],
        env: { ...process.env, ...choices[0]!.env },
      });
      const page = await browser.newPage();
      await page.setContent('<p>Datacoop</p>');
      expect(await page.textContent('p')).toBe('Datacoop');
      await browser.close();
    } finally {
      rmSync(unpackInto, { recursive: true, force: true });
    }
  });

  it('refuses "system" when the system Chromium is missing, naming the fix', async () => {
    await expect(chooseChromium({ DATACOOP_CHROMIUM: 'system' }, { system: missing })).rejects.toThrow(
      /apt-get install -y chromium/,
    );
  });

  it('takes an absolute path to a binary as it is', async () => {
    expect(await chooseChromium({ DATACOOP_CHROMIUM: present }, { system: missing })).toEqual({
      kind: 'path',
      executablePath: present,
      env: {},
    });
  });

  it.each(['chrome', 'relative/chromium', missing])('refuses the setting %j', async (setting) => {
    await expect(chooseChromium({ DATACOOP_CHROMIUM: setting }, { system: present })).rejects.toThrow(
      /DATACOOP_CHROMIUM must be/,
    );
  });
});
