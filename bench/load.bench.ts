// Load test (issue 7): autocannon at 50 connections for 60 s on the main member read paths (series, observations,
// pending votes, account, consent, access log), DURATION/3 on the cohort comparison (insights), then 60 s on the
// research read path, against the service in its own process. Passes with 0 errors and 0 unexpected statuses and
// RSS growth < 50 MB; prints req/s, p50/p99 per phase, and the service's RSS at start, end and peak.
//
// The cooperative: MEMBERS members with DAYS of generated data (fixtures generator), all sharing heart rate and sleep
// for aggregate research; a verified researcher under an access policy the assembly approved (request → proposal →
// vote → count, the service's clock moved past the close); a second vote open, so members have one pending.
// Configured for throughput, not for the cooperative's protection: the per-researcher throttle is raised to
// BENCH_QUERIES_PER_MINUTE (the service's default is 30 a minute, which would make this a test of the 429) and
// each query spends ε = 0.0005 of the policy's 3, enough for 6,000 queries; research clients wait up to 60 s.
// Run: npm run bench:load  (DURATION=60 s per phase, INSIGHTS_DURATION, MEMBERS=100, DAYS=90, CONNECTIONS=50 override)
import { generateObservations } from '../fixtures/demo-observations.js';
import { buildAccessPolicy, insertMembers, issueAccessToken, issueAccessTokens } from '../test/helpers/builders.js';
import { apiCaller, cpuMeter, describeMemory, startBenchService } from './bench-service.js';
import { describe, hammer, type LoadFigures } from './http-load.js';
import { finishReport, startReport } from './report.js';
import { votedPolicy } from './voted-policy.js';

const DURATION = Number(process.env.DURATION ?? 60);
const MEMBERS = Number(process.env.MEMBERS ?? 100);
const DAYS = Number(process.env.DAYS ?? 90);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const INSIGHTS_DURATION = Number(process.env.INSIGHTS_DURATION ?? Math.ceil(DURATION / 3));
const QUERIES_PER_MINUTE = 1_000_000;
const QUERY_EPSILON = 0.0005;
/**
 * A research query reads the whole cohort (≈ 150 ms alone on FerretDB), so 50 at once queue for several seconds:
 * the client waits up to 60 s, and the p99 says how long it really took.
 */
const RESEARCH_TIMEOUT = 60;
const DAY = 86_400_000;

async function main(): Promise<void> {
  const report = startReport('load', `npm run bench:load (DURATION=${DURATION}, MEMBERS=${MEMBERS}, DAYS=${DAYS})`);
  const service = await startBenchService('load', {
    env: { BENCH_QUERIES_PER_MINUTE: String(QUERIES_PER_MINUTE) },
  });
  const { services, connection, base } = service;
  const host = { services, connection };
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const call = apiCaller(base);

  try {
    // ---- the cooperative ----
    const started = performance.now();
    const sexes = ['female', 'male', 'other', 'unspecified'] as const;
    const members = await insertMembers(host, MEMBERS, {
      joinedAt: new Date(Date.now() - (DAYS + 30) * DAY),
      profile: (i) => ({ sex: sexes[i % 2], birthYear: 1950 + (i % 50) }),
    });
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * DAY);
    let observations = 0;
    for (const [i, member] of members.entries()) {
      const list = generateObservations({ seed: `bench-load-${i}`, glucose: i % 7 === 0 }, { from, to });
      observations += list.length;
      await services.vault.storeObservations(member.id, list);
      await services.research.changeConsent(
        member.id,
        { categories: { 'heart-rate': 'aggregate', 'sleep-duration': 'aggregate' } },
        new Date(Date.now() - DAY),
      );
    }
    const steward = await services.members.createSteward(
      { email: 'steward@load.example', password: 'bench steward password', name: 'Steward' },
      now(),
    );
    const researcher = await services.members.register(
      { email: 'r@load.example', password: 'bench researcher pw', name: 'R', role: 'researcher', organisation: 'Lab' },
      now(),
    );
    await services.members.verifyResearcher(
      researcher.id,
      { organisation: 'Lab', nonProfit: true, evidence: { method: 'other', note: 'Benchmark account' } },
      steward.id,
      now(),
    );
    const asSteward = () => issueAccessToken(host, steward.id, 'steward', now());
    const asResearcher = () => issueAccessToken(host, researcher.id, 'researcher', now());

    // ---- an access policy, voted ----
    const periodFrom = new Date(from.toISOString().slice(0, 7) + '-01T00:00:00.000Z');
    const periodTo = new Date(to.getTime() + 40 * DAY);
    const voters = members.slice(0, Math.ceil(MEMBERS / 5) + 1);
    const policyId = await votedPolicy({
      call,
      asResearcher,
      asSteward,
      voterTokens: await issueAccessTokens(
        host,
        voters.map((v) => v.id),
        'member',
        now(),
      ),
      request: {
        title: 'Load study',
        purpose: 'Heart rate and sleep by sex.',
        duo: { permission: 'HMB', modifiers: [] },
        categories: ['heart-rate', 'sleep-duration'],
        statistics: ['count', 'mean', 'quantiles'],
        groupBy: ['sex', 'ageBand'],
        period: { from: periodFrom.toISOString(), to: periodTo.toISOString() },
        validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
        epsilon: 3,
      },
      now,
      advanceClock: async (ms) => {
        offsetMs += ms;
        await service.setClockOffset(offsetMs);
      },
    });

    // ---- a second vote open: every member has one pending ----
    const stewardToken = await asSteward();
    const draft = await call('POST', '/api/proposals', stewardToken, {
      kind: 'access-policy',
      title: 'Steps by region',
      summary: 'Open during the load test.',
      policy: buildAccessPolicy(now(), { categories: ['steps'] }),
    });
    await call('POST', `/api/proposals/${draft.id}/open`, stewardToken, {
      closesAt: new Date(now().getTime() + 8 * DAY).toISOString(),
    });

    // ---- tokens, paths, and one pass to check every path answers 200 ----
    const tokens = await issueAccessTokens(
      host,
      members.map((m) => m.id),
      'member',
      now(),
    );
    const researcherTokens = await Promise.all(Array.from({ length: 5 }, () => asResearcher()));
    const seriesFrom = new Date(now().getTime() - DAYS * DAY).toISOString();
    const seriesTo = new Date(now().getTime() + DAY).toISOString();
    const memberPaths = [
      `/api/me/series?${new URLSearchParams({ category: 'heart-rate', bucket: 'day', from: seriesFrom, to: seriesTo })}`,
      `/api/me/series?${new URLSearchParams({ category: 'steps', bucket: 'week', from: seriesFrom, to: seriesTo })}`,
      `/api/me/observations?${new URLSearchParams({ category: 'heart-rate', limit: '100' })}`,
      '/api/me/pending-votes',
      '/api/me',
      '/api/me/consent',
      '/api/me/access-log',
      `/api/me/series?${new URLSearchParams({ category: 'sleep-duration', bucket: 'day', from: seriesFrom, to: seriesTo })}`,
    ];
    const queryBody = (statistic: string) =>
      JSON.stringify({
        policyId,
        category: 'heart-rate',
        statistic,
        groupBy: ['sex'],
        epsilon: QUERY_EPSILON,
      });
    const researchRequests = ['mean', 'count', 'quantiles'].map((statistic) => ({
      method: 'POST' as const,
      path: '/api/research/queries',
      body: queryBody(statistic),
    }));
    const insightsPath = '/api/me/insights?category=heart-rate';
    for (const path of [...memberPaths, insightsPath]) await call('GET', path, tokens[0]!);
    const first = await call('POST', '/api/research/queries', researcherTokens[0]!, JSON.parse(queryBody('mean')));
    const pending = await call('GET', '/api/me/pending-votes', tokens[1]!);
    console.log(
      `load test: ${MEMBERS} members × ${DAYS} days (${observations} observations), a voted policy, a vote open ` +
        `(${JSON.stringify(pending).length > 20 ? 'pending for members' : 'none pending?'}), set up in ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s; first research answer: ${JSON.stringify(first.results?.[0]?.cells?.length ?? first).slice(0, 80)} cells`,
    );
    // Each member's first visit, so the load measures the steady state (the first visit is the API benchmark's).
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let i = worker; i < members.length; i += 4) {
          for (const path of memberPaths.filter((p) => p.includes('series'))) await call('GET', path, tokens[i]!);
        }
      }),
    );

    // Where a request's time goes: each path alone, one request at a time (median of 5).
    const alone: Record<string, number> = {};
    for (const path of [...memberPaths, insightsPath, '/api/research/queries']) {
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const at = performance.now();
        if (path === '/api/research/queries')
          await call('POST', path, researcherTokens[0]!, JSON.parse(queryBody('mean')));
        else await call('GET', path, tokens[k + 2]!);
        times.push(performance.now() - at);
      }
      alone[path.split('?')[0]! + (path.includes('category=') ? ` (${/category=([a-z-]+)/.exec(path)![1]})` : '')] =
        Math.round(times.sort((a, b) => a - b)[2]!);
    }
    console.log(`one request at a time, median ms: ${JSON.stringify(alone)}`);

    // ---- the load ----
    const memory = service.memory;
    const rssStart = memory.sample();
    // autocannon stops sending at the end of a phase, but the service still answers what is queued: wait for that
    // to drain (a light request answers quickly again) so one phase's backlog is not counted in the next.
    const settle = async () => {
      for (const until = Date.now() + 120_000; Date.now() < until;) {
        const at = performance.now();
        await call('GET', '/api/me', tokens[0]!);
        if (performance.now() - at < 100) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const phase = async (label: string, run: () => Promise<LoadFigures>) => {
      await settle();
      memory.resetPhase();
      const phaseStart = memory.sample();
      const busy = cpuMeter({ service: service.pid, ferretdb: service.database.pid, autocannon: process.pid });
      const figures = await run();
      const cores = busy();
      const phaseEnd = memory.sample();
      console.log(describe(label, figures));
      console.log(
        `  RSS ${phaseStart.toFixed(0)} → ${phaseEnd.toFixed(0)} MB (peak ${memory.phasePeakMB.toFixed(0)} MB); cores busy ${JSON.stringify(cores)}`,
      );
      return { figures, phaseStart, phaseEnd, phasePeak: memory.phasePeakMB, cores };
    };
    const memberLoad = await phase('member read paths', () =>
      hammer(
        base,
        tokens,
        memberPaths.map((path) => ({ path })),
        DURATION,
        CONNECTIONS,
      ),
    );
    // The cohort comparison on its own: it reads the whole cohort's directories and chunks of the category (≈ 100×
    // a series request alone), so it is measured apart instead of hiding what the other paths do.
    const insightsLoad = await phase('insights          ', () =>
      hammer(base, tokens, [{ path: insightsPath }], INSIGHTS_DURATION, CONNECTIONS),
    );
    const researchLoad = await phase('research queries  ', () =>
      hammer(base, researcherTokens, researchRequests, DURATION, CONNECTIONS, RESEARCH_TIMEOUT),
    );
    const rssEnd = memory.sample();
    console.log(`service after the load: ${describeMemory(await service.memoryUsage())}`);
    const growth = rssEnd - rssStart;
    console.log(
      `service RSS: start ${rssStart.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB, growth ${growth.toFixed(0)} MB (target < 50), peak ${memory.peakMB.toFixed(0)} MB`,
    );

    const clean = (f: LoadFigures) => f.errors === 0 && f.non2xx === 0;
    report.figures.push(
      {
        name: `Load: member reads ${DURATION} s`,
        value: memberLoad.figures.requestsPerSecond,
        unit: 'req/s',
        target: '0 errors, 0 non-2xx',
        met: clean(memberLoad.figures),
      },
      { name: 'Load: member reads p99', value: memberLoad.figures.p99, unit: 'ms' },
      {
        name: `Load: insights ${INSIGHTS_DURATION} s`,
        value: insightsLoad.figures.requestsPerSecond,
        unit: 'req/s',
        target: '0 errors, 0 non-2xx',
        met: clean(insightsLoad.figures),
      },
      { name: 'Load: insights p99', value: insightsLoad.figures.p99, unit: 'ms' },
      {
        name: `Load: research queries ${DURATION} s`,
        value: researchLoad.figures.requestsPerSecond,
        unit: 'req/s',
        target: '0 errors, 0 non-2xx',
        met: clean(researchLoad.figures),
      },
      { name: 'Load: research p99', value: researchLoad.figures.p99, unit: 'ms' },
      {
        name: 'Load: service RSS growth',
        value: growth,
        unit: 'MB',
        baseline: rssStart,
        baselineName: 'MB at start',
        ratio: rssEnd / rssStart,
        target: '< 50 MB',
        met: growth < 50,
      },
    );
    report.notes = [
      `member paths: ${memberLoad.figures.total} requests, statuses ${JSON.stringify(memberLoad.figures.statusCodes)}, errors ${memberLoad.figures.errors}, p50 ${memberLoad.figures.p50} ms`,
      `insights: ${insightsLoad.figures.total} requests, statuses ${JSON.stringify(insightsLoad.figures.statusCodes)}, errors ${insightsLoad.figures.errors}, p50 ${insightsLoad.figures.p50} ms`,
      `research: ${researchLoad.figures.total} requests, statuses ${JSON.stringify(researchLoad.figures.statusCodes)}, errors ${researchLoad.figures.errors}, p50 ${researchLoad.figures.p50} ms`,
      `RSS start ${rssStart.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB, peak ${memory.peakMB.toFixed(0)} MB`,
      `cores busy, member phase ${JSON.stringify(memberLoad.cores)}, insights phase ${JSON.stringify(insightsLoad.cores)}, research phase ${JSON.stringify(researchLoad.cores)}`,
      `one request at a time (median ms): ${JSON.stringify(alone)}`,
      `research clients wait up to ${RESEARCH_TIMEOUT} s for an answer (autocannon's default is 10 s)`,
      `research throttle raised to ${QUERIES_PER_MINUTE}/min for the benchmark; ε ${QUERY_EPSILON} per query of a policy budget of 3`,
    ];
  } finally {
    report.serviceRssPeakMB = await service.stop();
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
