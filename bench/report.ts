// How every benchmark reports: figures with their same-run baseline, ratio and target, the load of the machine at
// the time, and the service's peak RSS. Printed as a table; with BENCH_RESULT_FILE set (bench/run-all.ts sets it)
// also appended to that file as one JSON line, so the run-all summary is built from what each script measured.
import { appendFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Figure {
  /** What was measured, e.g. "series req/s". */
  name: string;
  value: number;
  unit: string;
  /** The same-run baseline, when there is one. */
  baseline?: number;
  baselineName?: string;
  /** value / baseline unless given (some figures compare the other way round). */
  ratio?: number;
  /** The target in words (spec §10), and whether it is met; null when the figure has no target. */
  target?: string;
  met?: boolean | null;
}

export interface BenchReport {
  benchmark: string;
  date: string;
  command: string;
  /** os.loadavg() when the benchmark started and when it ended. */
  loadStart: number[];
  loadEnd: number[];
  figures: Figure[];
  /** Peak RSS of the service process (VmHWM) over the whole benchmark, MB. */
  serviceRssPeakMB?: number;
  notes?: string[];
}

/** The machine, for the record: cores, memory, Node. */
export function machine(): string {
  const cores = cpus();
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

/** The three load averages, rounded. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Number(v.toFixed(2)));
}

/** Starts a report: records the date, the command and the load now. */
export function startReport(benchmark: string, command: string): BenchReport {
  return { benchmark, date: new Date().toISOString(), command, loadStart: loadAverage(), loadEnd: [], figures: [] };
}

/** Ratio of a figure to its baseline with two decimals. */
export function ratioOf(figure: Figure): number | undefined {
  if (figure.ratio !== undefined) return figure.ratio;
  if (figure.baseline === undefined || figure.baseline === 0) return undefined;
  return figure.value / figure.baseline;
}

/** Formats a number for a table: thousands separated, at most one decimal below 100. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Prints the report's figures as a table and hands it to run-all through BENCH_RESULT_FILE. */
export function finishReport(report: BenchReport): void {
  report.loadEnd = loadAverage();
  console.log(
    `\n== ${report.benchmark}: ${report.date}, load ${report.loadStart.join(' ')} → ${report.loadEnd.join(' ')}`,
  );
  console.log(formatFigures(report.figures));
  if (report.serviceRssPeakMB !== undefined) console.log(`service RSS peak: ${Math.round(report.serviceRssPeakMB)} MB`);
  for (const note of report.notes ?? []) console.log(`note: ${note}`);
  const file = process.env.BENCH_RESULT_FILE;
  if (file) appendFileSync(file, JSON.stringify(report) + '\n');
}

/** A plain-text table of figures: value, baseline, ratio, target, met. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const ratio = ratioOf(f);
    return [
      f.name,
      `${formatNumber(f.value)} ${f.unit}`,
      f.baseline === undefined ? '' : `${formatNumber(f.baseline)} ${f.baselineName ?? ''}`.trim(),
      ratio === undefined ? '' : ratio.toFixed(2),
      f.target ?? '',
      f.met === undefined || f.met === null ? '' : f.met ? 'yes' : 'NO',
    ];
  });
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
