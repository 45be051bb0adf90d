// Web benchmark (spec §10: member dashboard ≤ 120 kB of gzipped JavaScript; a year of daily data in 5 charts
// renders in ≤ 1 s in headless Chromium). Builds the app, sums the gzipped JavaScript the dashboard loads
// (entry, app shell and English dictionary + the dashboard page chunk, each with its imports, from Vite's
// manifest; the whole app beside it), then serves it from the real service and measures in the browser tests' Chromium (DATACOOP_CHROMIUM):
//   - render: five <coop-chart> elements given 365 daily points each, from insertion to drawn canvases;
//   - the same five charts with decimation off (the same-run baseline for LTTB);
//   - the whole dashboard through the API (sign-in done, navigation to the last chart drawn; the latest values
//     and the cohort comparison load after the charts).
// Run: npm run bench:web   (RUNS=… overrides the number of repetitions, default 7; the median is printed)
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generateObservations } from '../fixtures/demo-observations.js';
import { launchBrowser } from '../test/e2e/browser.js';
import { startBenchService } from './bench-service.js';
import { finishReport, startReport } from './report.js';

const RUNS = Number(process.env.RUNS ?? 7);
const DAY = 86_400_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(root, 'dist/web');

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function gzippedSize(file: string): number {
  return gzipSync(readFileSync(join(webDir, file)), { level: 9 }).length;
}

/** The chunks a page needs: the entry, the page chunk and everything they import statically. */
function chunksOf(manifest: Record<string, ManifestChunk>, keys: string[]): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return files;
}

function measureBundle() {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web-components/vite.config.ts'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const manifest = JSON.parse(readFileSync(join(webDir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const keyOf = (ending: string) => Object.keys(manifest).find((key) => key.endsWith(ending))!;
  // What an English member's dashboard loads: the entry, the app shell and the English dictionary (both imported
  // by the entry dynamically, always, before the first render), the dashboard page, and what each imports.
  const dashboard = chunksOf(manifest, [
    'index.html',
    keyOf('src/coop-app.ts'),
    keyOf('i18n/en.ts'),
    keyOf('coop-dashboard-page.ts'),
  ]);
  const dashboardGz = [...dashboard].reduce((sum, file) => sum + gzippedSize(file), 0);
  const allJs = readdirSync(join(webDir, 'assets')).filter((f) => f.endsWith('.js'));
  const allGz = allJs.reduce((sum, file) => sum + gzippedSize(`assets/${file}`), 0);
  const chartChunk = [...dashboard].find((f) => f.includes('coop-chart'));
  return {
    dashboardGz,
    dashboardFiles: dashboard.size,
    allGz,
    allFiles: allJs.length,
    chartGz: chartChunk ? gzippedSize(chartChunk) : 0,
  };
}

async function main(): Promise<void> {
  const report = startReport('web', 'npm run bench:web');
  const bundle = measureBundle();

  const now = () => new Date();
  const service = await startBenchService('web');
  const { services, base } = service;

  const email = 'bench@example.org';
  const password = 'bench password 2026';
  const member = await services.members.register({ email, password, name: 'Bench Member', role: 'member' }, now());
  const to = now();
  await services.vault.storeObservations(
    member.id,
    generateObservations({ seed: 'bench-web' }, { from: new Date(to.getTime() - 365 * DAY), to }),
  );

  const browser = await launchBrowser().catch(async (error: unknown) => {
    await service.stop();
    throw error;
  });
  const withLttb: number[] = [];
  const withoutLttb: number[] = [];
  const dashboardLoads: number[] = [];
  // The browser and the service are stopped however the measurement ends.
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    await page.goto(`${base}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: 'Latest values' }).waitFor();

    // Five charts, 365 daily points each (blood pressure as two lines), as the dashboard gives them. The script
    // is a string: tsx would add a helper (__name) to a function that the page does not have.
    const renderFive = (decimation: boolean) =>
      page.evaluate(`(async () => {
      const start = Date.UTC(2025, 0, 1);
      const line = (seed, base) =>
        Array.from({ length: 365 }, (_, i) => ({ x: start + i * 86400000, y: base + 10 * Math.sin(i / 7 + seed) + (i % 5) }));
      const data = [
        [{ label: 'Heart rate', points: line(1, 70) }],
        [{ label: 'Systolic', points: line(2, 120) }, { label: 'Diastolic', points: line(3, 80) }],
        [{ label: 'Body weight', points: line(4, 72) }],
        [{ label: 'Steps', points: line(5, 8000) }],
        [{ label: 'Sleep', points: line(6, 7) }],
      ];
      const host = document.createElement('div');
      document.body.append(host);
      const t0 = performance.now();
      const charts = data.map((series) => {
        const chart = document.createElement('coop-chart');
        chart.caption = series[0].label;
        chart.series = series;
        chart.decimate = ${decimation};
        host.append(chart);
        return chart;
      });
      await Promise.all(charts.map((c) => c.updateComplete));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const elapsed = performance.now() - t0;
      host.remove();
      return elapsed;
    })()`) as Promise<number>;

    for (let i = 0; i < RUNS; i++) {
      withLttb.push(await renderFive(true));
      withoutLttb.push(await renderFive(false));
    }

    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${base}/account`);
      await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
      const t0 = Date.now();
      await page.getByRole('link', { name: 'My data' }).click();
      await page.getByRole('heading', { name: 'Latest values' }).waitFor();
      await page.waitForFunction(() => {
        const pageElement = document.querySelector('coop-app')?.shadowRoot?.querySelector('coop-dashboard-page');
        const charts = pageElement?.shadowRoot?.querySelectorAll('coop-chart') ?? [];
        return charts.length >= 5 && [...charts].every((c) => c.shadowRoot?.querySelector('canvas')?.width);
      });
      dashboardLoads.push(Date.now() - t0);
    }
  } finally {
    await browser.close();
    report.serviceRssPeakMB = await service.stop();
  }

  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(`\nWeb bundle (gzip -9 of the built files)`);
  console.log(
    `  member dashboard JS: ${kb(bundle.dashboardGz)} kB in ${bundle.dashboardFiles} files (budget 120 kB, ratio ${(bundle.dashboardGz / (120 * 1024)).toFixed(2)})`,
  );
  console.log(`  of which the chart chunk (chart.js + coop-chart): ${kb(bundle.chartGz)} kB`);
  console.log(`  whole app JS: ${kb(bundle.allGz)} kB in ${bundle.allFiles} files`);
  console.log(`\nRender in headless Chromium (median of ${RUNS})`);
  console.log(`  5 charts × 365 daily points, LTTB decimation on: ${median(withLttb).toFixed(0)} ms (budget 1000 ms)`);
  console.log(
    `  same, decimation off (baseline):                  ${median(withoutLttb).toFixed(0)} ms (ratio ${(median(withLttb) / median(withoutLttb)).toFixed(2)})`,
  );
  console.log(
    `  whole dashboard through the API (11 series requests, navigation to 5+ charts drawn): ${median(dashboardLoads).toFixed(0)} ms`,
  );
  report.figures.push(
    {
      name: 'Web: dashboard JS (gzip)',
      value: bundle.dashboardGz / 1024,
      unit: 'kB',
      target: '≤ 120 kB',
      met: bundle.dashboardGz <= 120 * 1024,
    },
    {
      name: 'Web: 5 charts × 365 days',
      value: median(withLttb),
      unit: 'ms',
      baseline: median(withoutLttb),
      baselineName: 'ms decimation off',
      target: '≤ 1000 ms',
      met: median(withLttb) <= 1000,
    },
    { name: 'Web: whole dashboard via API', value: median(dashboardLoads), unit: 'ms' },
  );
  finishReport(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
