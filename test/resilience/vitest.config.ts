// `npm run test:resilience`: fault tests with real processes (FerretDB and the service killed with SIGKILL). One file at
// a time — each starts its own FerretDB and service processes, and the machine has 2 cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    globalSetup: ['test/resilience/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // Each scenario bounds its own waits; these are the outer limits (the whole suite takes a few minutes).
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // In CI also write a JSON report, from which .ci/run prints "resilience: N passed, N failed".
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-resilience-report.json' },
  },
});
