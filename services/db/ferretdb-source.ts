// The Go sources the embedded FerretDB is built from: our program (services/db/ferretdb/) plus FerretDB's module from
// the Go module cache with the patches in services/db/ferretdb/patches/ applied, joined by a `replace` directive.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** The files whose content decides the binary: our program and every patch, in a stable order. */
export function ferretDbSourceFiles(sourceDir: string): string[] {
  const patches = patchFiles(sourceDir).map((name) => join('patches', name));
  return ['main.go', 'go.mod', 'go.sum', ...patches];
}

/**
 * Prepares `buildDir` (created fresh) as a Go module that builds our program against the patched FerretDB, and
 * returns it. Throws an Error whose message names the failing step.
 */
export function preparePatchedBuild(sourceDir: string, buildDir: string): string {
  const patches = patchFiles(sourceDir);
  const goMod = readFileSync(join(sourceDir, 'go.mod'), 'utf8');
  const version = new RegExp(`${FERRETDB_MODULE.replaceAll('.', '\\.')} (v\\S+)`).exec(goMod)?.[1];
  if (!version) throw new Error(`go.mod does not require ${FERRETDB_MODULE}`);

  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  for (const file of ['main.go', 'go.sum']) cpSync(join(sourceDir, file), join(buildDir, file));
  if (patches.length === 0) {
    writeFileSync(join(buildDir, 'go.mod'), goMod);
    return buildDir;
  }

  const moduleDir = join(buildDir, 'ferretdb');
  cpSync(downloadedModuleDir(sourceDir, `${FERRETDB_MODULE}@${version}`), moduleDir, { recursive: true });
  makeWritable(moduleDir); // the module cache is read-only
  for (const patch of patches) applyPatch(moduleDir, resolve(sourceDir, 'patches', patch));
  writeFileSync(join(buildDir, 'go.mod'), `${goMod.trimEnd()}\n\nreplace ${FERRETDB_MODULE} => ./ferretdb\n`);
  return buildDir;
}

function patchFiles(sourceDir: string): string[] {
  const dir = join(sourceDir, 'patches');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.patch'))
        .sort()
    : [];
}

function downloadedModuleDir(cwd: string, moduleAtVersion: string): string {
  const download = spawnSync('go', ['mod', 'download', '-json', moduleAtVersion], { cwd, encoding: 'utf8' });
  const dir = download.status === 0 ? (JSON.parse(download.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir)
    throw new Error(`go mod download ${moduleAtVersion} failed: ${lastLines(download.stderr || download.stdout)}`);
  return dir;
}

function applyPatch(moduleDir: string, patch: string): void {
  // git apply works like patch(1) without fuzz, so a patch that no longer fits fails loudly. Inside a repository (the
  // build happens under .cache/ of this checkout) it would apply relative to the repository's root and skip ignored
  // paths silently: the ceiling keeps git from finding one. The reverse check then proves the change is in place.
  const git = (...args: string[]) =>
    spawnSync('git', ['apply', '-p1', ...args, patch], {
      cwd: moduleDir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(moduleDir) },
    });
  for (const step of [git(), git('--check', '--reverse')]) {
    if (step.error || step.status !== 0) {
      throw new Error(`applying ${patch} failed: ${lastLines(step.stderr || String(step.error))}`);
    }
  }
}

function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}
