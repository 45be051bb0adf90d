import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The second builds the web app into dist/web when its sources changed (the browser tests serve it).
    globalSetup: ['test/helpers/global-setup.ts', 'test/e2e/build-web.ts'],
    // Integration tests start real HTTP servers against a real FerretDB; keep parallelism modest on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // In CI also write a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-report.json' },
    // The browser tests run after the rest, not beside it: Chromium, the service and FerretDB under the other
    // files' load on 2 cores made their 30 s waits time out now and then.
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/**/*.test.ts'],
          // The fault tests kill processes and take minutes: `npm run test:resilience` runs them.
          exclude: ['test/e2e/**', 'test/resilience/**'],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
