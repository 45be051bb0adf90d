// Scaling with instances (issue 16, docs/scaling.md): the same load — members' dashboard series and uploads — first
// against one service process, then split over two service processes on the same database, in the same run. The
// service keeps no state a request depends on (caches are only of immutable data, checked against the database), so
// throughput should add up until the database (or, here, the machine's cores) is the limit; the CPU each process
// used tells which.
// Run: npm run bench:scaling  (MEMBERS=20, CONNECTIONS=50, DURATION=15 override)
import { generateObservations } from '../fixtures/demo-observations.js';
import { insertMembers, issueAccessTokens } from '../test/helpers/builders.js';
import { cpuMeter, startBenchService, startServiceProcess } from './bench-service.js';
import { describe, hammer, seriesPaths, type LoadFigures } from './http-load.js';
import { finishReport, machine, startReport } from './report.js';

const MEMBERS = Number(process.env.MEMBERS ?? 20);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 15);
const DAY = 86_400_000;

/** Adds up the figures of loads run at the same time (rates add; latencies are the worse of the two). */
function combined(parts: readonly LoadFigures[]): LoadFigures {
  const sum = (pick: (f: LoadFigures) => number) => parts.reduce((total, f) => total + pick(f), 0);
  return {
    requestsPerSecond: sum((f) => f.requestsPerSecond),
    p50: Math.max(...parts.map((f) => f.p50)),
    p99: Math.max(...parts.map((f) => f.p99)),
    max: Math.max(...parts.map((f) => f.max)),
    total: sum((f) => f.total),
    non2xx: sum((f) => f.non2xx),
    errors: sum((f) => f.errors),
    timeouts: sum((f) => f.timeouts),
    statusCodes: {},
  };
}

async function main(): Promise<void> {
  const report = startReport('scaling', 'npm run bench:scaling');
  const first = await startBenchService('scaling');
  const second = await startServiceProcess(first.db);
  const { services, connection } = first;
  try {
    const now = new Date();
    const members = await insertMembers({ services, connection }, MEMBERS, {
      joinedAt: new Date(now.getTime() - 400 * DAY),
    });
    for (const [i, member] of members.entries()) {
      await services.vault.storeObservations(
        member.id,
        generateObservations({ seed: `bench-scaling-${i}` }, { from: new Date(now.getTime() - 365 * DAY), to: now }),
      );
    }
    const tokens = await issueAccessTokens(
      { services, connection },
      members.map((m) => m.id),
      'member',
      now,
    );
    const requests = seriesPaths(now).map((path) => ({ path }));
    console.log(
      `scaling benchmark on ${machine()}: ${MEMBERS} members × a year, ${CONNECTIONS} connections, ${DURATION} s per phase`,
    );
    // Warm both instances' caches the same way, so the phases differ only in the number of instances.
    await Promise.all([first, second].map((s) => hammer(s.base, tokens, requests, 3, CONNECTIONS / 2)));

    let busy = cpuMeter({ first: first.pid, second: second.pid, ferretdb: first.database.pid, load: process.pid });
    const one = await hammer(first.base, tokens, requests, DURATION, CONNECTIONS);
    const oneBusy = busy();
    console.log(describe('one instance        ', one));
    console.log(`  CPU (cores busy): ${JSON.stringify(oneBusy)}`);

    busy = cpuMeter({ first: first.pid, second: second.pid, ferretdb: first.database.pid, load: process.pid });
    const two = combined(
      await Promise.all(
        [first, second].map((s, i) => hammer(s.base, tokens.slice(i), requests, DURATION, CONNECTIONS / 2)),
      ),
    );
    const twoBusy = busy();
    console.log(describe('two instances, total', two));
    console.log(`  CPU (cores busy): ${JSON.stringify(twoBusy)}`);
    const ratio = two.requestsPerSecond / one.requestsPerSecond;
    console.log(`two instances / one: ${ratio.toFixed(2)}×`);
    report.figures.push(
      {
        name: 'Scaling: series req/s, two instances',
        value: two.requestsPerSecond,
        unit: 'req/s',
        baseline: one.requestsPerSecond,
        baselineName: 'req/s one instance',
        target: '> 1 until the database is the limit',
        met: two.non2xx + two.errors + one.non2xx + one.errors === 0 ? ratio > 1 : false,
      },
      {
        name: 'Scaling: FerretDB cores busy, one → two',
        value: twoBusy.ferretdb ?? 0,
        unit: 'cores',
        baseline: oneBusy.ferretdb ?? 0,
        baselineName: 'cores one instance',
      },
      {
        name: 'Scaling: p99, two instances',
        value: two.p99,
        unit: 'ms',
        baseline: one.p99,
        baselineName: 'ms one instance',
      },
    );
    report.notes = [
      `CPU one instance ${JSON.stringify(oneBusy)}; two instances ${JSON.stringify(twoBusy)} (cores busy; the machine has the cores named above)`,
    ];
  } finally {
    await second.stop();
    report.serviceRssPeakMB = await first.stop();
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
