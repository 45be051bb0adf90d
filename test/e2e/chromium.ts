// Which Chromium the browser tests and bench:web drive, chosen by one setting, DATACOOP_CHROMIUM:
//   unset or "auto"  Debian's /usr/bin/chromium when it is installed, else the bundled one;
//   "system"         Debian's /usr/bin/chromium (fails when it is missing);
//   "bundled"        the headless Chromium that `npm ci` brings (@sparticuz/chromium), unpacked once into the
//                    temporary directory;
//   an absolute path that Chromium binary.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumChoice {
  kind: 'system' | 'bundled' | 'path';
  executablePath: string;
  /** Extra environment for the browser process (the bundled one brings its own fonts). */
  env: Record<string, string>;
}

/**
 * Flags for every choice. Playwright adds its own defaults (no first run, no component updates …); these make
 * sure that a browser on a machine without outside network never tries to reach it, and runs as root.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const require = createRequire(import.meta.url);

/** Where to look and unpack; the defaults are Debian's path and the temporary directory (tests give others). */
export interface ChromiumPlaces {
  system?: string;
  unpackInto?: string;
}

/** Reads DATACOOP_CHROMIUM and returns the binary to launch, unpacking the bundled one when it is chosen. */
export async function chooseChromium(
  env: NodeJS.ProcessEnv = process.env,
  { system = SYSTEM_CHROMIUM, unpackInto = tmpdir() }: ChromiumPlaces = {},
): Promise<ChromiumChoice> {
  const setting = env.DATACOOP_CHROMIUM?.trim() || 'auto';
  if (setting === 'system' || (setting === 'auto' && existsSync(system))) {
    if (!existsSync(system)) {
      throw new Error(`DATACOOP_CHROMIUM=system but ${system} is missing: "apt-get install -y chromium", or unset it.`);
    }
    return { kind: 'system', executablePath: system, env: {} };
  }
  if (setting === 'auto' || setting === 'bundled') return bundledChromium(unpackInto);
  if (!isAbsolute(setting) || !existsSync(setting)) {
    throw new Error(
      `DATACOOP_CHROMIUM must be auto, system, bundled or the absolute path of a Chromium binary; ${JSON.stringify(setting)} is none of them.`,
    );
  }
  return { kind: 'path', executablePath: setting, env: {} };
}

/**
 * The bundled Chromium, unpacked into <dir>/datacoop-chromium-<version>/ on first use. Several processes may
 * do this at once (two test workers, two checkouts, the benchmark): each unpacks into a folder of its own and
 * renames it into place, so the folder appears complete or not at all; a process that loses the race uses
 * the winner's folder.
 */
async function bundledChromium(dir: string): Promise<ChromiumChoice> {
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(entry, '../../package.json'), 'utf8')) as { version: string };
  const target = join(dir, `datacoop-chromium-${version}`);
  const choice: ChromiumChoice = {
    kind: 'bundled',
    executablePath: join(target, 'chromium'),
    env: { FONTCONFIG_PATH: join(target, 'fonts') },
  };
  if (existsSync(choice.executablePath)) return choice;

  removeAbandonedUnpacks(dir, basename(target));
  const staging = mkdtempSync(`${target}.unpacking-`);
  try {
    // The package unpacks into os.tmpdir(); a child process with its own TMPDIR keeps it out of the shared one.
    const script = `const { default: c } = await import(process.argv[1]); await c.executablePath();`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(entry).href], {
      env: { ...process.env, TMPDIR: staging },
    });
    // Its fonts.conf names /tmp/fonts; ours names the fonts where they are, so text renders the same everywhere.
    writeFileSync(
      join(staging, 'fonts/fonts.conf'),
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        '<fontconfig>',
        `  <dir>${join(target, 'fonts/fonts')}</dir>`,
        `  <cachedir>${join(target, 'fonts-cache')}</cachedir>`,
        '</fontconfig>',
        '',
      ].join('\n'),
    );
    chmodSync(join(staging, 'chromium'), 0o755);
    chmodSync(staging, 0o755);
    renameSync(staging, target);
  } catch (error) {
    // Another process renamed its folder into place first: use that one.
    if (!existsSync(choice.executablePath)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return choice;
}

/** Folders left by an unpack that was killed (the finally above never ran): 220 MB each, gone after 15 minutes. */
function removeAbandonedUnpacks(dir: string, name: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!entry.startsWith(`${name}.unpacking-`)) continue;
    const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - modified > 15 * 60_000) rmSync(path, { recursive: true, force: true });
  }
}
