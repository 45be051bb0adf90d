// Import benchmark (issue 17: "files of 1 GB must import within the memory target"): one member imports a generated
// Apple Health export.xml of IMPORT_MB megabytes (default 1,024; an Apple Watch's density: a heart-rate sample a
// minute, steps, weight, SpO2, respiration, sleep, skipped types) through `POST /api/me/imports/apple-health`,
// streamed from disk. Baseline, same run: the bare parse of the same file in this process (the import's own reader,
// no checks of the store, no database) — the import reads the file twice (check, then store) and seals and stores
// what it finds, so its MB/s is compared with that. The service's RSS is sampled throughout (target ≤ 300 MB).
// Run: npm run bench:import   (IMPORT_MB=100 for a quicker run)
import { createReadStream, createWriteStream } from 'node:fs';
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImportFile } from '../services/vault/index.js';
import { insertMembers, issueAccessTokens } from '../test/helpers/builders.js';
import { appleHealthExport } from '../test/helpers/health-exports.js';
import { startBenchService } from './bench-service.js';
import { finishReport, startReport } from './report.js';

const MB = 1024 ** 2;
const TARGET_MB = Number(process.env.IMPORT_MB ?? 1_024);
const HEART_RATE_PER_DAY = 1_440;
const RSS_TARGET_MB = 300;
const DAY_MS = 86_400_000;

/** Writes an export of at least `targetBytes`, month by month (the generator never holds it whole), ending today. */
async function writeExport(path: string, targetBytes: number): Promise<{ bytes: number; days: number }> {
  const sample = appleHealthExport({ firstDay: '2020-01-01', days: 30, heartRatePerDay: HEART_RATE_PER_DAY }).text;
  const perDay = (sample.length - sample.indexOf('<Record')) / 30;
  const days = Math.ceil(targetBytes / perDay);
  const start = Date.now() - (days + 2) * DAY_MS;
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let first = 0; first < days; first += 30) {
    const firstDay = new Date(start + first * DAY_MS).toISOString().slice(0, 10);
    const text = appleHealthExport({
      firstDay,
      days: Math.min(30, days - first),
      heartRatePerDay: HEART_RATE_PER_DAY,
    }).text;
    const records = text.slice(text.indexOf('<Record'), text.lastIndexOf('</HealthData>'));
    await write(first === 0 ? text.slice(0, text.indexOf('<Record')) + records : records);
  }
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
  return { bytes: (await stat(path)).size, days };
}

/** POSTs the file streamed from disk, with no client-side timeout; resolves with the status and the body text. */
async function postFile(url: string, token: string, path: string): Promise<{ status: number; body: string }> {
  const size = (await stat(path)).size;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', 'content-length': size },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    pipeline(createReadStream(path), req).catch(reject);
  });
}

async function main(): Promise<void> {
  const report = startReport('import', `npm run bench:import (IMPORT_MB=${TARGET_MB})`);
  const folder = await mkdtemp(join(tmpdir(), 'datacoop-bench-import-'));
  const path = join(folder, 'export.xml');
  const generated = await writeExport(path, TARGET_MB * MB);
  const sizeMB = generated.bytes / MB;
  console.log(`import benchmark: export.xml of ${sizeMB.toFixed(0)} MB, ${generated.days} days`);

  // Baseline: the import's own streaming reader over the same file, in this process, nothing stored.
  const limits = { maxEntryBytes: 16 * 1024 ** 3, maxCompressionRatio: 400, maxJsonBytes: 64 * MB };
  const parseStart = performance.now();
  const tally = await readImportFile('apple-health', path, limits, new Date());
  const parseSeconds = (performance.now() - parseStart) / 1000;
  console.log(`bare parse: ${parseSeconds.toFixed(1)} s, ${tally.read} records read`);

  const service = await startBenchService('import', { env: { IMPORT_TEMP_DIR: folder } });
  try {
    const [member] = await insertMembers({ services: service.services, connection: service.connection }, 1, {
      joinedAt: new Date(),
    });
    const [token] = await issueAccessTokens(
      { services: service.services, connection: service.connection },
      [member!.id],
      'member',
      new Date(),
    );
    service.memory.resetPhase();
    // What the service's own view of its memory says at its largest (heap, external, array buffers).
    const largest = { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
    const sampler = setInterval(() => {
      void service.memoryUsage().then((usage) => {
        for (const key of Object.keys(largest) as (keyof typeof largest)[])
          largest[key] = Math.max(largest[key], usage[key]);
      });
    }, 500);
    const importStart = performance.now();
    // node:http, not fetch: an import of a large file answers after more than undici's 5-minute headers timeout.
    const response = await postFile(`${service.base}/api/me/imports/apple-health`, token!, path).finally(() =>
      clearInterval(sampler),
    );
    const result = JSON.parse(response.body) as { stored?: number; received?: number; duplicates?: number };
    const importSeconds = (performance.now() - importStart) / 1000;
    const largestMB = Object.entries(largest).map(([key, bytes]) => `${key} ${Math.round(bytes / MB)} MB`);
    console.log(`service memory at its largest during the import: ${largestMB.join(', ')}`);
    if (response.status !== 201) throw new Error(`import answered ${response.status}: ${JSON.stringify(result)}`);
    const peakMB = service.memory.peakMB;
    console.log(
      `import: ${importSeconds.toFixed(1)} s, received ${result.received}, stored ${result.stored}, ` +
        `duplicates ${result.duplicates}; service RSS peak ${peakMB.toFixed(0)} MB`,
    );

    report.figures.push(
      {
        name: `Import: ${sizeMB.toFixed(0)} MB Apple Health export, MB/s`,
        value: sizeMB / importSeconds,
        unit: 'MB/s',
        baseline: sizeMB / parseSeconds,
        baselineName: 'bare streaming parse of the same file',
        met: null,
      },
      {
        name: `Import: observations stored/s`,
        value: (result.stored ?? 0) / importSeconds,
        unit: 'obs/s',
        met: null,
      },
      {
        name: `Memory: service RSS peak during a ${sizeMB.toFixed(0)} MB import`,
        value: peakMB,
        unit: 'MB',
        target: `≤ ${RSS_TARGET_MB} MB`,
        met: peakMB <= RSS_TARGET_MB,
      },
    );
    report.serviceRssPeakMB = peakMB;
    report.notes = [
      `${result.stored} observations stored from ${tally.read} records in ${importSeconds.toFixed(0)} s (the file is read twice: check, then store)`,
    ];
  } finally {
    await service.stop();
    await rm(folder, { recursive: true, force: true });
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
