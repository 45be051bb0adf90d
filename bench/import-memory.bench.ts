// Memory of an Apple Health import's parse, map and check pass over a large generated export.xml (no database: the
// store pass adds one batch of 5,000 observations to this). Run: npx tsx bench/import-memory.bench.ts [days]
// It writes the export to the OS temp dir month by month (the generator never holds it whole), then reads it once
// as an import does, sampling the process's peak RSS and heap; prints both beside the file's size.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { appleHealthExport } from '../test/helpers/health-exports.js';
import { importSource } from '../services/vault/imports/import-sources.js';
import { runImport } from '../services/vault/imports/import-run.js';

const days = Number(process.argv[2] ?? 3_000);
const folder = await mkdtemp(join(tmpdir(), 'datacoop-import-bench-'));
const path = join(folder, 'export.xml');
try {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const first = Date.UTC(2010, 0, 1);
  for (let month = 0; month * 30 < days; month++) {
    const firstDay = new Date(first + month * 30 * 86_400_000).toISOString().slice(0, 10);
    const text = appleHealthExport({ firstDay, days: Math.min(30, days - month * 30) }).text;
    const body = text.slice(text.indexOf('<Record'), text.lastIndexOf('</HealthData>'));
    await write(month === 0 ? text.slice(0, text.indexOf('<Record')) + body : body);
  }
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
  const bytes = (await stat(path)).size;

  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const limits = { maxEntryBytes: 16 * 1024 ** 3, maxCompressionRatio: 400, maxJsonBytes: 64 * 1024 ** 2 };
  const tally = await runImport(importSource('apple-health', path, limits), { now: new Date(), batchSize: 5_000 });
  clearInterval(sampler);
  const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;
  console.log(
    `export.xml ${mb(bytes)}, ${tally.read} observations valid, ` +
      `${Object.values(tally.skipped).reduce((a, b) => a + b, 0)} records skipped; ` +
      `RSS ${mb(base.rss)} before → peak ${mb(peakRss)}; heap ${mb(base.heapUsed)} before → peak ${mb(peakHeap)}`,
  );
} finally {
  await rm(folder, { recursive: true, force: true });
}
