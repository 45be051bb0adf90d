// API benchmark (spec §10): authenticated `GET /api/me/series` at 50 connections (autocannon) against a bare Koa
// app with one route doing exactly the same JWT check (the service's own TokenService.verifyAccessToken) and a
// small JSON body, same run, same machine. Targets: series p99 ≤ 50 ms and ≥ 25 % of the bare route's req/s.
// Members have a year of generated data (fixtures generator); each connection signs in as one of them and asks
// for the dashboard's series: a year of daily points of one category, the categories in turn.
// Run: npm run bench:api  (MEMBERS=20, CONNECTIONS=50, DURATION=15 s per side, WARMUP=3 s override)
import { generateObservations } from '../fixtures/demo-observations.js';
import { insertMembers, issueAccessTokens } from '../test/helpers/builders.js';
import { cpuMeter, describeMemory, startBenchService, startServiceProcess } from './bench-service.js';
import { describe, hammer, SERIES_CATEGORIES, seriesPaths } from './http-load.js';
import { finishReport, startReport } from './report.js';

const MEMBERS = Number(process.env.MEMBERS ?? 20);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 15);
const WARMUP = Number(process.env.WARMUP ?? 3);
const DAY = 86_400_000;

async function main(): Promise<void> {
  const report = startReport('api', 'npm run bench:api');
  const service = await startBenchService('api');
  const bare = await startServiceProcess(service.db, { mode: 'bare' });
  const { services, connection } = service;
  try {
    console.log(`service at start: ${describeMemory(await service.memoryUsage())}`);
    const started = performance.now();
    const now = new Date();
    const members = await insertMembers({ services, connection }, MEMBERS, {
      joinedAt: new Date(now.getTime() - 400 * DAY),
    });
    let observations = 0;
    for (const [i, member] of members.entries()) {
      const list = generateObservations(
        { seed: `bench-api-${i}`, glucose: i % 5 === 0 },
        { from: new Date(now.getTime() - 365 * DAY), to: now },
      );
      observations += list.length;
      await services.vault.storeObservations(member.id, list);
    }
    const tokens = await issueAccessTokens(
      { services, connection },
      members.map((m) => m.id),
      'member',
      now,
    );
    const paths = seriesPaths(now);
    const check = await fetch(service.base + paths[0], { headers: { authorization: `Bearer ${tokens[0]}` } });
    const body = (await check.json()) as { points?: unknown[] };
    if (check.status !== 200 || !body.points || body.points.length < 360) {
      throw new Error(`series check failed: ${check.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    console.log(
      `api benchmark: ${MEMBERS} members × a year (${observations} observations, ${((performance.now() - started) / 1000).toFixed(1)} s to seed); ` +
        `${CONNECTIONS} connections, ${DURATION} s per side after ${WARMUP} s warm-up; series of ${SERIES_CATEGORIES.join(', ')}`,
    );

    // Each member's first view of the dashboard (five series, one after the other; four members at a time): the
    // vault reads and opens the chunks then, and keeps them for the next views (services/vault/chunk-cache.ts).
    const firstViews: number[] = [];
    let nextMember = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = nextMember++; i < members.length; i = nextMember++) {
          const at = performance.now();
          for (const path of paths) {
            const response = await fetch(service.base + path, { headers: { authorization: `Bearer ${tokens[i]}` } });
            if (response.status !== 200) throw new Error(`first view: ${response.status}`);
            await response.arrayBuffer();
          }
          firstViews.push(performance.now() - at);
        }
      }),
    );
    firstViews.sort((a, b) => a - b);
    console.log(
      `service RSS after the first views: ${service.memory.sample().toFixed(0)} MB (peak so far ${service.memory.peakMB.toFixed(0)} MB)`,
    );
    const firstView = firstViews[Math.floor(firstViews.length / 2)]!;
    console.log(
      `first view of the five series per member (cold, 4 members at a time): median ${firstView.toFixed(0)} ms`,
    );
    if (WARMUP > 0) {
      await hammer(bare.base, tokens, [{ path: '/' }], WARMUP, CONNECTIONS);
      await hammer(
        service.base,
        tokens,
        paths.map((path) => ({ path })),
        WARMUP,
        CONNECTIONS,
      );
    }
    let busy = cpuMeter({ bare: bare.pid, ferretdb: service.database.pid, benchmark: process.pid });
    const baseline = await hammer(bare.base, tokens, [{ path: '/' }], DURATION, CONNECTIONS);
    console.log(describe('bare Koa + JWT check   ', baseline));
    console.log(`  CPU (cores busy): ${JSON.stringify(busy())}`);
    service.memory.resetPhase();
    busy = cpuMeter({ service: service.pid, ferretdb: service.database.pid, benchmark: process.pid });
    const series = await hammer(
      service.base,
      tokens,
      paths.map((path) => ({ path })),
      DURATION,
      CONNECTIONS,
    );
    console.log(describe('GET /api/me/series     ', series));
    const seriesBusy = busy();
    console.log(
      `service after the run: ${describeMemory(await service.memoryUsage())}; RSS peak during the run ${Math.round(service.memory.phasePeakMB)} MB, overall ${Math.round(service.memory.peakMB)} MB`,
    );
    console.log(`  CPU (cores busy): ${JSON.stringify(seriesBusy)}`);
    const ratio = series.requestsPerSecond / baseline.requestsPerSecond;
    console.log(
      `ratio series / bare: ${(ratio * 100).toFixed(0)} % (target ≥ 25 %); p99 ${series.p99} ms (target ≤ 50 ms)`,
    );
    const clean = series.non2xx + series.errors + baseline.non2xx + baseline.errors === 0;
    report.figures.push(
      {
        name: 'API: series req/s (50 conn.)',
        value: series.requestsPerSecond,
        unit: 'req/s',
        baseline: baseline.requestsPerSecond,
        baselineName: 'req/s bare Koa + JWT',
        target: '≥ 0.25 of bare',
        met: ratio >= 0.25 && clean,
      },
      {
        name: 'API: series p99',
        value: series.p99,
        unit: 'ms',
        baseline: baseline.p99,
        baselineName: 'ms bare',
        target: '≤ 50 ms',
        met: series.p99 <= 50,
      },
      { name: 'API: series p50', value: series.p50, unit: 'ms', baseline: baseline.p50, baselineName: 'ms bare' },
      { name: 'API: first view, 5 series (cold)', value: firstView, unit: 'ms' },
      {
        name: 'API: non-2xx + errors',
        value: series.non2xx + series.errors,
        unit: '',
        baseline: baseline.non2xx + baseline.errors,
        baselineName: 'bare',
        target: '0',
        met: clean,
      },
    );
  } finally {
    await bare.stop();
    report.serviceRssPeakMB = await service.stop();
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
