// npm run bench: every benchmark of spec §10 in turn, each in its own process (its own service process and
// embedded database), then one summary: figure, same-run baseline, ratio, target, met — with the machine, the date,
// the command, the load average and the service's peak RSS per benchmark and over all (target ≤ 300 MB).
// Sizes are the spec's by default (research 5,000 × 200, assembly 5,000 voters, load 60 s per phase); each
// benchmark's own environment variables still apply. BENCHMARKS=api,load runs a subset.
// Run: npm run bench   (results also land in .cache/bench/results-<date>.jsonl)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFigures, loadAverage, machine, type BenchReport, type Figure } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ALL = ['ingest', 'research', 'api', 'assembly', 'web', 'load'] as const;
const RSS_TARGET_MB = 300;

function runScript(name: string, resultFile: string): Promise<{ code: number | null; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', `${name}.bench.ts`)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULT_FILE: resultFile },
    });
    child.on('exit', (code) => resolve({ code, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(): Promise<void> {
  const chosen = process.env.BENCHMARKS ? process.env.BENCHMARKS.split(',').map((s) => s.trim()) : [...ALL];
  const unknown = chosen.filter((name) => !(ALL as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmarks: ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  const date = new Date().toISOString();
  const dir = join(root, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const resultFile = join(dir, `results-${date.replace(/[:.]/g, '-')}.jsonl`);
  writeFileSync(resultFile, '');
  const loadBefore = loadAverage();
  const started = performance.now();
  const runs: { name: string; code: number | null; seconds: number }[] = [];
  for (const name of chosen) {
    console.log(`\n######## ${name} ########`);
    runs.push({ name, ...(await runScript(name, resultFile)) });
  }
  const totalSeconds = (performance.now() - started) / 1000;

  const reports = readFileSync(resultFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BenchReport);
  const figures: Figure[] = reports.flatMap((r) => r.figures);
  const peaks = reports.filter((r) => r.serviceRssPeakMB !== undefined);
  const overall = Math.max(0, ...peaks.map((r) => r.serviceRssPeakMB!));
  figures.push({
    name: 'Memory: service RSS peak, all',
    value: overall,
    unit: 'MB',
    target: `≤ ${RSS_TARGET_MB} MB`,
    met: overall <= RSS_TARGET_MB,
  });

  console.log(`\n======== summary ========`);
  console.log(
    `date: ${date}; command: npm run bench${process.env.BENCHMARKS ? ` (BENCHMARKS=${process.env.BENCHMARKS})` : ''}`,
  );
  console.log(`machine: ${machine()}`);
  console.log(`load average at start ${loadBefore.join(' ')}, at end ${loadAverage().join(' ')}`);
  console.log(`total time: ${(totalSeconds / 60).toFixed(1)} min\n`);
  console.log(formatFigures(figures));
  console.log('\nper benchmark: time, exit code, load average (1 min) at start → end, service RSS peak');
  for (const run of runs) {
    const report = reports.find((r) => r.benchmark === run.name);
    console.log(
      `  ${run.name.padEnd(9)} ${run.seconds.toFixed(0).padStart(5)} s  exit ${run.code}  ` +
        (report
          ? `load ${report.loadStart[0]} → ${report.loadEnd[0]}  RSS peak ${Math.round(report.serviceRssPeakMB ?? 0)} MB`
          : 'no result'),
    );
  }
  for (const report of reports) for (const note of report.notes ?? []) console.log(`  ${report.benchmark}: ${note}`);
  console.log(`\nresults: ${resultFile}`);
  if (runs.some((r) => r.code !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
