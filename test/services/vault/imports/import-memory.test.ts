// The memory an import's parse, map and check pass holds is bounded, not proportional to the file: a generated
// export.xml larger than the bound is read once as an import reads it, sampling the heap (no database: the store
// pass adds one batch of 5,000 observations to this).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../../../services/vault/imports/import-sources.js';
import { runImport } from '../../../../services/vault/imports/import-run.js';
import { appleHealthExport } from '../../../helpers/health-exports.js';

const MB = 1024 ** 2;
const DAYS = 1_400;
let folder: string;
let path: string;

/** Writes a DAYS-day export month by month, so the generator never holds it whole either. */
async function writeLargeExport(): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let month = 0; month * 30 < DAYS; month++) {
    const firstDay = new Date(Date.UTC(2015, 0, 1) + month * 30 * 86_400_000).toISOString().slice(0, 10);
    const text = appleHealthExport({ firstDay, days: Math.min(30, DAYS - month * 30) }).text;
    const records = text.slice(text.indexOf('<Record'), text.lastIndexOf('</HealthData>'));
    await write(month === 0 ? text.slice(0, text.indexOf('<Record')) + records : records);
  }
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'datacoop-import-memory-'));
  path = join(folder, 'export.xml');
  await writeLargeExport();
}, 120_000);
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('import memory', () => {
  it('reads an export larger than the bound with a heap that grows less than the file', async () => {
    const bytes = (await stat(path)).size;
    expect(bytes).toBeGreaterThan(70 * MB);
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    const limits = { maxEntryBytes: 16 * 1024 ** 3, maxCompressionRatio: 400, maxJsonBytes: 64 * MB };
    const tally = await runImport(importSource('apple-health', path, limits), { now: new Date(), batchSize: 5_000 });
    clearInterval(sampler);
    expect(tally.read).toBeGreaterThan(200_000);
    // Measured 2026-12-07: +35 MB for this 75 MB file, +54 MB for a 162 MB one (garbage not yet collected, day totals).
    expect(peak - base).toBeLessThan(Math.min(bytes, 64 * MB));
  }, 180_000);
});
