// Research benchmark (spec §10): an aggregate query over 5,000 members × 200 observations. Prints the latency of
// the query through HTTP (decide, audit, ε ledger, bulk reads, decryption, statistics, suppression, noise) and, in
// the same process on the same sealed chunks, the throughput of decryption + statistics against raw AEAD
// decryption of the same bytes. Target: ratio ≥ 50 %.
// Run: npm run bench:research  (MEMBERS, OBSERVATIONS, QUERIES, ROUNDS override)
//      npm run bench:research -- --members 1000,5000,50000  (linearity: one fresh service and cohort per size,
//      the query's cost per consenting member in ms, and each size's time against the first size's)
import { randomBytes } from 'node:crypto';
import { DEFAULT_CONSENT } from '../policies/research/consent.js';
import { findCategory } from '../policies/observations/catalogue.js';
import { groupValuesOf } from '../policies/research/group-by.js';
import type { NormalisedObservation } from '../policies/observations/observation-types.js';
import { cryptoRandomSource, type MemberSeries, releaseAggregate } from '../policies/research/privacy.js';
import { open } from '../services/crypto/aead.js';
import { toBuffer } from '../services/db/connection.js';
import { createMemberDirectory } from '../services/members/index.js';
import { consentDocument } from '../services/research/index.js';
import {
  chunkBinding,
  type ChunkDocument,
  type ChunkRef,
  decryptValues,
  headDocument,
  listedChunks,
  monthsOf,
  sealChunk,
  sealSummary,
  type SummaryDocument,
} from '../services/vault/index.js';
import { insertMembers, issueAccessToken, issueAccessTokens } from '../test/helpers/builders.js';
import { apiCaller, startBenchService } from './bench-service.js';
import { finishReport, startReport } from './report.js';
import { votedPolicy } from './voted-policy.js';

const membersFlag = process.argv.indexOf('--members');
const MEMBER_COUNTS =
  membersFlag >= 0
    ? (process.argv[membersFlag + 1] ?? '').split(',').map((n) => Number(n.replaceAll('_', '')))
    : [Number(process.env.MEMBERS ?? 5_000)];
if (MEMBER_COUNTS.some((n) => !Number.isInteger(n) || n < 20)) {
  throw new Error('--members takes a comma-separated list of whole numbers of at least 20');
}
const OBSERVATIONS = Number(process.env.OBSERVATIONS ?? 200);
const QUERIES = Number(process.env.QUERIES ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** One cohort of MEMBERS consenting members: seeds, queries, and returns the median HTTP query time in ms. */
async function main(MEMBERS: number): Promise<number> {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const report = startReport('research', `npm run bench:research (MEMBERS=${MEMBERS}, OBSERVATIONS=${OBSERVATIONS})`);
  const service = await startBenchService('research');
  const { connection, services, base } = service;
  const call = apiCaller(base);
  const result = { medianMs: Number.NaN };

  try {
    // ---- seed: members, sealed chunks and directories, consent — through the storage functions, in bulk ----
    let started = performance.now();
    const sexes = ['female', 'male', 'other', 'unspecified'] as const;
    const members = await insertMembers({ services, connection }, MEMBERS, {
      joinedAt: new Date(Date.now() - 30 * DAY),
      profile: (i) => ({ sex: sexes[i % 4], birthYear: 1950 + (i % 50) }),
    });
    const directory = createMemberDirectory({ connection, keyring: services.keyring });
    const keys = new Map((await directory.activeMembers()).map((member) => [member.id, member.key]));
    const firstAt = Date.now() - 40 * DAY;
    // The policy's period runs over whole UTC months, as studies usually do.
    const periodFrom = new Date(new Date(firstAt).toISOString().slice(0, 7) + '-01T00:00:00.000Z');
    const periodTo = new Date(Date.now() + DAY);
    periodTo.setUTCMonth(periodTo.getUTCMonth() + 1, 1);
    periodTo.setUTCHours(0, 0, 0, 0);
    const chunks: ChunkDocument[] = [];
    const summaries: SummaryDocument[] = [];
    const heads: ReturnType<typeof headDocument>[] = [];
    const consents: ReturnType<typeof consentDocument>[] = [];
    const consent = { ...DEFAULT_CONSENT, categories: { 'heart-rate': 'aggregate' as const } };
    members.forEach((member, m) => {
      const key = keys.get(member.id)!;
      const byMonth = new Map<string, NormalisedObservation[]>();
      for (let k = 0; k < OBSERVATIONS; k++) {
        const effectiveAt = new Date(firstAt + k * 4 * HOUR + (m % 60) * 60_000).toISOString();
        const observation: NormalisedObservation = {
          category: 'heart-rate',
          unit: '/min',
          value: 55 + ((m * 7 + k * 13) % 60),
          effectiveAt,
          source: 'device',
        };
        const month = effectiveAt.slice(0, 7);
        byMonth.set(month, [...(byMonth.get(month) ?? []), observation]);
      }
      const refs: ChunkRef[] = [];
      for (const [month, observations] of byMonth) {
        const id = `${member.id}:${randomBytes(8).toString('hex')}`;
        const meta = { id, memberId: member.id, category: 'heart-rate', month };
        chunks.push({
          _id: id,
          member: member.id,
          category: 'heart-rate',
          month,
          sealed: sealChunk(key, meta, observations),
        });
        const summary = sealSummary(key, meta, observations);
        summaries.push({ _id: id, member: member.id, category: 'heart-rate', month, sealed: summary });
        refs.push({ id, category: 'heart-rate', month });
      }
      heads.push(headDocument(member.id, key, 1, refs));
      consents.push(consentDocument(member.id, key, 1, consent, new Date(Date.now() - DAY)));
    });
    for (let i = 0; i < chunks.length; i += 1_000) {
      await services.vault.seedSealed(chunks.slice(i, i + 1_000), [], summaries.slice(i, i + 1_000));
    }
    for (let i = 0; i < heads.length; i += 1_000) {
      await services.vault.seedSealed([], heads.slice(i, i + 1_000));
      await services.research.seedConsentDocuments(consents.slice(i, i + 1_000));
    }
    const sealedBytes = chunks.reduce((sum, c) => sum + c.sealed.length, 0);
    console.log(
      `seeded ${MEMBERS} members × ${OBSERVATIONS} observations (${chunks.length} chunks, ${(sealedBytes / 1e6).toFixed(1)} MB sealed) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // ---- an approved policy: request → proposal → vote → count ----
    const steward = await services.members.createSteward(
      { email: 'steward@bench.example', password: 'bench steward password', name: 'Steward' },
      now(),
    );
    const researcher = await services.members.register(
      {
        email: 'r@bench.example',
        password: 'bench researcher password',
        name: 'R',
        role: 'researcher',
        organisation: 'Lab',
      },
      now(),
    );
    await services.members.verifyResearcher(
      researcher.id,
      { organisation: 'Lab', nonProfit: true, evidence: { method: 'other', note: 'Benchmark account' } },
      steward.id,
      now(),
    );
    const asSteward = () => issueAccessToken({ services, connection }, steward.id, 'steward', now());
    const asResearcher = () => issueAccessToken({ services, connection }, researcher.id, 'researcher', now());
    const voters = members.slice(0, Math.ceil(MEMBERS / 10) + 1);
    const policyId = await votedPolicy({
      call,
      asResearcher,
      asSteward,
      voterTokens: await issueAccessTokens(
        { services, connection },
        voters.map((v) => v.id),
        'member',
        now(),
      ),
      request: {
        title: 'Benchmark study',
        purpose: 'Heart rate by sex.',
        duo: { permission: 'HMB', modifiers: [] },
        categories: ['heart-rate'],
        statistics: ['count', 'mean', 'quantiles', 'histogram'],
        groupBy: ['sex', 'ageBand'],
        period: { from: periodFrom.toISOString(), to: periodTo.toISOString() },
        validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
        epsilon: 3,
      },
      now,
      advanceClock: async (ms) => {
        offset += ms;
        await service.setClockOffset(offset);
      },
    });

    // ---- query latency through HTTP ----
    const latencies: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const token = await asResearcher();
      started = performance.now();
      const answer = await call('POST', '/api/research/queries', token, {
        policyId,
        category: 'heart-rate',
        statistic: q % 2 === 0 ? 'mean' : 'quantiles',
        groupBy: ['sex'],
        epsilon: 0.1,
      });
      latencies.push(performance.now() - started);
      if (q === 0)
        console.log(
          `first answer: ${JSON.stringify(answer.results[0].cells.map((c: { group: { sex: string }; mean?: number }) => [c.group.sex, c.mean ?? null]))}`,
        );
    }
    latencies.sort((a, b) => a - b);
    const medianMs = (result.medianMs = latencies[Math.floor(QUERIES / 2)]!);
    // Every seeded member consents to aggregate use of the category, so the cohort is MEMBERS members.
    console.log(`cost per consenting member: ${(medianMs / MEMBERS).toFixed(3)} ms (median / ${MEMBERS})`);
    console.log(
      `aggregate query latency (HTTP, ${QUERIES} queries): median ${latencies[Math.floor(QUERIES / 2)]!.toFixed(0)} ms, min ${latencies[0]!.toFixed(0)} ms`,
    );

    // ---- where a query's time goes (the same reads the query makes, timed one by one) ----
    const step = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
      const at = performance.now();
      const result = await run();
      console.log(`  ${label.padEnd(44)} ${(performance.now() - at).toFixed(0).padStart(6)} ms`);
      return result;
    };
    console.log('breakdown:');
    const { probes } = services.research;
    await step('policy from the assembly (registry)', () => probes.findPolicy(policyId, now()));
    await step('ε ledger: remaining', () => probes.remainingMicro(policyId, 3_000_000));
    await step('audit append', () => services.audit.append('bench.step', 'system', {}, now()));
    const from = periodFrom;
    const to = periodTo;
    const snapshot = await step('cohort read: members, keys and consent', () => probes.readCohort());
    const cohort = snapshot.members;
    await step("included members' chunks by _id, decrypted (the query's read)", () =>
      services.vault.cohortValues(cohort, { category: 'heart-rate', from, to }, [undefined]),
    );
    // The compute part below is measured on one bulk read of the same chunks, against raw AEAD of the same bytes.
    const sealed = await step('bulk read of every directory and chunk (for the compute comparison)', () =>
      services.vault.sealedCohort({ category: 'heart-rate', months: monthsOf(from, to) }),
    );
    const refs = await step('directories (opened)', async () =>
      listedChunks(sealed.directories, cohort, 'heart-rate', from, to),
    );
    const documents = sealed.chunks;

    // ---- decrypt + compute against raw AEAD decryption of the same bytes, same process ----
    const memberKeys = new Map(cohort.map((m) => [m.id, m.key]));
    const category = findCategory('heart-rate')!;
    const groups = new Map(cohort.map((m) => [m.id, groupValuesOf(probes.researchProfileOf(m), now())]));
    const random = cryptoRandomSource();
    const list = [...documents.values()];
    const raw = () => {
      let bytes = 0;
      for (const d of list) {
        bytes += open(
          memberKeys.get(d.member)!,
          toBuffer(d.sealed),
          chunkBinding({ id: d._id, memberId: d.member, category: d.category, month: d.month }),
        ).length;
      }
      return bytes;
    };
    const compute = () => {
      const values = decryptValues(refs, documents, memberKeys, from.getTime(), to.getTime());
      const series: MemberSeries[] = [...values].map(([memberId, own]) => ({
        memberId,
        groups: groups.get(memberId)!,
        values: own,
      }));
      return releaseAggregate({
        statistic: 'mean',
        groupBy: ['sex'],
        members: series,
        range: category.plausibleRange,
        decimals: category.decimals,
        minCellSize: 11,
        epsilonMicro: 100_000,
        random,
      }).cells.length;
    };
    raw();
    compute();
    let rawBest = Infinity;
    let computeBest = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      started = performance.now();
      raw();
      rawBest = Math.min(rawBest, performance.now() - started);
      started = performance.now();
      compute();
      computeBest = Math.min(computeBest, performance.now() - started);
    }
    const observations = MEMBERS * OBSERVATIONS;
    const perSecond = (ms: number) => Math.round(observations / (ms / 1000)).toLocaleString('en');
    console.log(
      `raw AEAD decryption:      ${rawBest.toFixed(0)} ms  (${perSecond(rawBest)} obs/s, ${(sealedBytes / 1e6 / (rawBest / 1000)).toFixed(0)} MB/s)`,
    );
    console.log(`decrypt + statistics:     ${computeBest.toFixed(0)} ms  (${perSecond(computeBest)} obs/s)`);
    console.log(`ratio: ${((rawBest / computeBest) * 100).toFixed(0)} %  (target ≥ 50 %)`);
    console.log(
      `benchmark process RSS (seed data held in memory): ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    const perSecondValue = (ms: number) => observations / (ms / 1000);
    report.figures.push(
      {
        name: `Research: decrypt + stats (${MEMBERS}×${OBSERVATIONS})`,
        value: perSecondValue(computeBest),
        unit: 'obs/s',
        baseline: perSecondValue(rawBest),
        baselineName: 'obs/s raw AEAD',
        target: '≥ 0.50 of raw',
        met: rawBest / computeBest >= 0.5,
      },
      { name: 'Research: query latency (HTTP, median)', value: latencies[Math.floor(QUERIES / 2)]!, unit: 'ms' },
    );
  } finally {
    report.serviceRssPeakMB = await service.stop();
  }
  finishReport(report);
  return result.medianMs;
}

const medians: number[] = [];
for (const members of MEMBER_COUNTS) medians.push(await main(members));
if (MEMBER_COUNTS.length > 1) {
  console.log('linearity (median HTTP query; ×time against the first size, ×members likewise):');
  MEMBER_COUNTS.forEach((members, i) => {
    const perMember = medians[i]! / members;
    console.log(
      `  ${String(members).padStart(6)} members: ${medians[i]!.toFixed(0).padStart(6)} ms, ${perMember.toFixed(3)} ms/member, ` +
        `×${(medians[i]! / medians[0]!).toFixed(2)} time for ×${(members / MEMBER_COUNTS[0]!).toFixed(1)} members`,
    );
  });
}
