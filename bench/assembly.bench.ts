// Assembly benchmark (spec §10): 5,000 members vote concurrently through the HTTP API against the embedded
// FerretDB; prints ballots/s, a same-run baseline (raw driver inserts of 5,000 documents) and checks the count.
// Run: npm run bench:assembly  (VOTERS=… and SOCKETS=… override the defaults)
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { ballotListDigest, receiptFromSecret, tallyFromBallotList } from '../policies/assembly/ballot-receipts.js';
import { FINALISATION_GRACE_MS } from '../services/assembly/index.js';
import { buildAccessPolicy, insertMembers, issueAccessToken, issueAccessTokens } from '../test/helpers/builders.js';
import { startBenchService } from './bench-service.js';
import { finishReport, startReport } from './report.js';

const VOTERS = Number(process.env.VOTERS ?? 5_000);
// Concurrent client connections; every ballot is issued at once and queued on these sockets.
const SOCKETS = Number(process.env.SOCKETS ?? 16);
const DAY = 86_400_000;
const VOTING = 7 * DAY + 3_600_000;

interface PublishedResult {
  outcome: string;
  reason: string;
  totals: { cast: number };
  ballots: { receipt: string; choice: 'yes' | 'no' | 'abstain' }[];
  ballotListDigest: string;
}

interface Reply {
  status: number;
  // Parsed JSON: the fields read below are those the API documents.
  body: { id?: string; electorate?: number; result?: PublishedResult } & Record<string, unknown>;
}

function post(agent: Agent, port: number, path: string, token: string, body?: unknown): Promise<Reply> {
  return send(agent, port, 'POST', path, token, body);
}

function send(agent: Agent, port: number, method: string, path: string, token: string, body?: unknown) {
  return new Promise<Reply>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function main(): Promise<void> {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const report = startReport('assembly', `npm run bench:assembly (VOTERS=${VOTERS}, SOCKETS=${SOCKETS})`);
  const service = await startBenchService('assembly');
  const { connection, services, port } = service;
  const host = { services, connection };
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });

  try {
    const started = Date.now();
    const steward = await services.members.createSteward(
      { email: 'bench-steward@example.org', password: 'bench steward password', name: 'Bench Steward' },
      now(),
    );
    const members = await insertMembers(host, VOTERS, { joinedAt: new Date(now().getTime() - DAY) });
    const stewardToken = await issueAccessToken(host, steward.id, 'steward', now());
    const draft = await post(agent, port, '/api/proposals', stewardToken, {
      kind: 'access-policy',
      title: 'Benchmark study',
      summary: 'Every member votes at once.',
      policy: buildAccessPolicy(now(), { categories: ['steps'] }),
    });
    const id = draft.body.id!;
    const opened = await post(agent, port, `/api/proposals/${id}/open`, stewardToken, {
      closesAt: new Date(now().getTime() + VOTING).toISOString(),
    });
    if (opened.status !== 200) throw new Error(`open failed: ${JSON.stringify(opened.body)}`);
    const tokens = await issueAccessTokens(
      host,
      members.map((m) => m.id),
      'member',
      now(),
    );
    const secrets = members.map(() => randomBytes(32).toString('hex'));
    const choices = members.map((_, i) => (['yes', 'no', 'abstain'] as const)[i % 3]!);
    console.log(
      `setup: ${VOTERS} members, proposal open, electorate ${opened.body.electorate} (${Date.now() - started} ms)`,
    );

    // Baseline in the same run: the same number of raw driver inserts (one small document each), all at once.
    const scratch = connection.db!.collection('bench_baseline');
    const baselineStart = process.hrtime.bigint();
    await Promise.all(
      members.map((_, i) => scratch.insertOne({ _id: `${id}:${i}` as never, proposalId: id, choice: choices[i] })),
    );
    const baselineMs = Number(process.hrtime.bigint() - baselineStart) / 1e6;

    const votingStart = process.hrtime.bigint();
    const replies = await Promise.all(
      members.map((_, i) =>
        post(agent, port, `/api/proposals/${id}/ballots`, tokens[i]!, { choice: choices[i], secret: secrets[i] }),
      ),
    );
    const votingMs = Number(process.hrtime.bigint() - votingStart) / 1e6;
    const failed = replies.filter((r) => r.status !== 200);
    if (failed.length > 0) throw new Error(`${failed.length} ballots failed, e.g. ${JSON.stringify(failed[0])}`);

    // Close the vote by the clock and read the published result.
    offsetMs += VOTING + FINALISATION_GRACE_MS + 1_000;
    await service.setClockOffset(offsetMs);
    const readerToken = await issueAccessToken(host, steward.id, 'steward', now());
    const results = await send(agent, port, 'GET', `/api/proposals/${id}/results`, readerToken);
    const result = results.body.result!;
    const expected = { yes: 0, no: 0, abstain: 0 };
    for (const choice of choices) expected[choice] += 1;
    const recount = tallyFromBallotList(result.ballots);
    const published = new Map<string, string>(result.ballots.map((b) => [b.receipt, b.choice]));
    const everyReceiptFound = secrets.every((s, i) => published.get(receiptFromSecret(s)) === choices[i]);
    const exact =
      result.totals.cast === VOTERS &&
      result.ballots.length === VOTERS &&
      recount.yes === expected.yes &&
      recount.no === expected.no &&
      recount.abstain === expected.abstain &&
      ballotListDigest(result.ballots) === result.ballotListDigest &&
      everyReceiptFound;

    const ballotsPerSecond = (VOTERS / votingMs) * 1000;
    const baselinePerSecond = (VOTERS / baselineMs) * 1000;
    console.log(
      `ballots: ${VOTERS} in ${votingMs.toFixed(0)} ms → ${ballotsPerSecond.toFixed(0)} ballots/s (target ≥ 500)`,
    );
    console.log(
      `baseline: ${VOTERS} raw driver inserts in ${baselineMs.toFixed(0)} ms → ${baselinePerSecond.toFixed(0)}/s; ` +
        `ratio API/raw ${(ballotsPerSecond / baselinePerSecond).toFixed(2)}`,
    );
    console.log(
      `count: cast ${result.totals.cast}, yes ${recount.yes}, no ${recount.no}, abstain ${recount.abstain}, ` +
        `${result.outcome} (${result.reason}); exact: ${exact ? 'yes' : 'NO'}`,
    );
    if (!exact) process.exitCode = 1;
    report.figures.push(
      {
        name: `Assembly: ballots/s (${VOTERS} voters)`,
        value: ballotsPerSecond,
        unit: 'ballots/s',
        baseline: baselinePerSecond,
        baselineName: 'raw inserts/s',
        target: '≥ 500 ballots/s',
        met: ballotsPerSecond >= 500,
      },
      {
        name: 'Assembly: counted exactly',
        value: result.totals.cast,
        unit: 'ballots',
        baseline: VOTERS,
        baselineName: 'cast',
        target: `exactly ${VOTERS}`,
        met: exact,
      },
    );
  } finally {
    agent.destroy();
    report.serviceRssPeakMB = await service.stop();
  }
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
