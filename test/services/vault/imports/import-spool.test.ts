import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_SPOOL_MS, sweepStaleSpools } from '../../../../services/vault/imports/import-spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-sweep-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function folder(name: string, ageMs: number, now: Date): Promise<void> {
  const path = join(dir, name);
  await mkdir(path);
  await writeFile(join(path, 'body'), 'sealed? no: a raw export body');
  const at = new Date(now.getTime() - ageMs);
  await utimes(path, at, at);
}

describe('sweeping import spool folders left by a killed process', () => {
  it('deletes only stale datacoop-import-* folders, keeping a running import and everything else', async () => {
    const now = new Date('2026-12-07T12:00:00Z');
    await folder('datacoop-import-killed', STALE_SPOOL_MS + 60_000, now);
    await folder('datacoop-import-running', 60_000, now);
    await folder('someone-elses-folder', STALE_SPOOL_MS * 4, now);
    await writeFile(join(dir, 'datacoop-import-a-file'), 'not a folder');

    expect(await sweepStaleSpools(dir, now)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([
      'datacoop-import-a-file',
      'datacoop-import-running',
      'someone-elses-folder',
    ]);
  });

  it('answers 0 for a folder that does not exist', async () => {
    expect(await sweepStaleSpools(join(dir, 'missing'), new Date())).toBe(0);
  });
});
