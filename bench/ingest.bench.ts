// Ingest benchmark (spec §10): observations per second uploaded through the HTTP API (parse, validate, convert,
// deduplicate, seal, store) against raw driver inserts of the same observations as plaintext single documents
// into the same database, in the same run. Target: ratio ≥ 1.0.
// Run: npm run bench:ingest  (MEMBERS, DAYS, HEART_RATE_PER_DAY, ROWS_PER_UPLOAD, FORMAT=csv|json override)
import { generateObservations } from '../fixtures/demo-observations.js';
import { CSV_LINE_END, formatCsvHeader, formatCsvRow } from '../services/vault/index.js';
import type { NormalisedObservation } from '../policies/observations/observation-types.js';
import { insertMembers, issueAccessTokens } from '../test/helpers/builders.js';
import { startBenchService } from './bench-service.js';
import { finishReport, startReport } from './report.js';

const MEMBERS = Number(process.env.MEMBERS ?? 8);
const DAYS = Number(process.env.DAYS ?? 60);
const HEART_RATE_PER_DAY = Number(process.env.HEART_RATE_PER_DAY ?? 96);
const ROWS_PER_UPLOAD = Number(process.env.ROWS_PER_UPLOAD ?? 5_000);
const FORMAT = process.env.FORMAT === 'json' ? 'json' : 'csv';
/** Raw baseline: insertMany batch size (the driver's usual way to insert many documents). */
const RAW_BATCH = 1_000;

function body(observations: readonly NormalisedObservation[]): { type: string; text: string } {
  if (FORMAT === 'json') return { type: 'application/json', text: JSON.stringify({ observations }) };
  const lines = [formatCsvHeader(), ...observations.map(formatCsvRow)];
  return { type: 'text/csv', text: lines.join(CSV_LINE_END) + CSV_LINE_END };
}

async function main(): Promise<void> {
  const report = startReport('ingest', `npm run bench:ingest (FORMAT=${FORMAT})`);
  const service = await startBenchService('ingest');
  const { connection, services, port } = service;

  try {
    const members = await insertMembers({ services, connection }, MEMBERS, { joinedAt: new Date() });
    const tokens = await issueAccessTokens(
      { services, connection },
      members.map((m) => m.id),
      'member',
      new Date(),
    );
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const perMember = members.map((m) =>
      generateObservations({ seed: m.id, glucose: true }, { from, to, heartRatePerDay: HEART_RATE_PER_DAY }),
    );
    const total = perMember.reduce((sum, list) => sum + list.length, 0);
    const uploads = perMember.map((list) => {
      const bodies = [];
      for (let i = 0; i < list.length; i += ROWS_PER_UPLOAD) bodies.push(body(list.slice(i, i + ROWS_PER_UPLOAD)));
      return bodies;
    });
    console.log(
      `ingest benchmark: ${MEMBERS} members × ${DAYS} days = ${total} observations, ` +
        `${FORMAT} uploads of ≤ ${ROWS_PER_UPLOAD} rows, members uploading concurrently, FerretDB ${service.database.uri}`,
    );

    // Through the API: each member uploads their files one after another; members in parallel.
    let stored = 0;
    const apiStart = performance.now();
    await Promise.all(
      uploads.map(async (bodies, i) => {
        for (const { type, text } of bodies) {
          const response = await fetch(`http://127.0.0.1:${port}/api/me/observations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': type },
            body: text,
          });
          const result = (await response.json()) as { stored?: number };
          if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(result)}`);
          stored += result.stored ?? 0;
        }
      }),
    );
    const apiSeconds = (performance.now() - apiStart) / 1000;
    if (stored !== total) throw new Error(`stored ${stored} of ${total}`);

    // Baseline: the same observations as plaintext single documents, raw driver insertMany, same parallelism.
    const plain = connection.db!.collection('bench_plaintext_observations');
    const rawStart = performance.now();
    await Promise.all(
      perMember.map(async (list, i) => {
        const documents = list.map((o) => ({ member: members[i]!.id, ...o, effectiveAt: new Date(o.effectiveAt) }));
        for (let j = 0; j < documents.length; j += RAW_BATCH) await plain.insertMany(documents.slice(j, j + RAW_BATCH));
      }),
    );
    const rawSeconds = (performance.now() - rawStart) / 1000;

    const apiRate = total / apiSeconds;
    const rawRate = total / rawSeconds;
    console.log(
      `API (parse, validate, seal, store): ${Math.round(apiRate)} observations/s (${apiSeconds.toFixed(2)} s)`,
    );
    console.log(
      `raw driver inserts, plaintext:      ${Math.round(rawRate)} observations/s (${rawSeconds.toFixed(2)} s)`,
    );
    console.log(`ratio API / raw: ${(apiRate / rawRate).toFixed(2)} (target ≥ 1.0)`);
    report.figures.push({
      name: `Ingest: ${FORMAT.toUpperCase()} obs/s via API`,
      value: apiRate,
      unit: 'obs/s',
      baseline: rawRate,
      baselineName: 'obs/s raw inserts',
      target: '≥ 1.0 × raw',
      met: apiRate >= rawRate,
    });
    report.notes = [`${total} observations, ${MEMBERS} members uploading concurrently`];
  } finally {
    report.serviceRssPeakMB = await service.stop();
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
