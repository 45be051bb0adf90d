// Vitest global setup: builds the web app into dist/web when it is missing or older than its sources, so the
// browser tests (and any test app) serve the current front end. A failed build is reported, not thrown: only
// the browser tests depend on it, and they fail with the build's message.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = join(root, 'web-components');
const builtIndex = join(root, 'dist/web/index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/web is missing or older than a file under web-components/. */
export function webBuildIsStale(): boolean {
  return !existsSync(builtIndex) || statSync(builtIndex).mtimeMs < newestSource(sources);
}

/**
 * Builds into a folder of its own, then swaps it in: another test run in the same checkout may be reading
 * dist/web at this moment (each createApp reads the build once).
 */
export default function setup(): void {
  if (!webBuildIsStale()) return;
  const fresh = join(root, `dist/web.build-${process.pid}`);
  const old = join(root, `dist/web.old-${process.pid}`);
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'web-components/vite.config.ts',
        '--outDir',
        fresh,
        '--emptyOutDir',
      ],
      // Vitest sets NODE_ENV=test, which would make Vite bundle Lit's development build.
      { cwd: root, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
    );
    if (existsSync(join(root, 'dist/web'))) renameSync(join(root, 'dist/web'), old);
    renameSync(fresh, join(root, 'dist/web'));
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    console.error(`The web app did not build; browser tests will fail:\n${output}`);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
