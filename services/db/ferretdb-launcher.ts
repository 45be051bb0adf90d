import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ferretDbSourceFiles, preparePatchedBuild } from './ferretdb-source.js';

const sourceDir = resolve(dirname(fileURLToPath(import.meta.url)), 'ferretdb');
const projectRoot = resolve(sourceDir, '..', '..', '..');

/** Raised when the embedded database can be neither built nor started; its message is one sentence for a person. */
export class EmbeddedDatabaseUnavailable extends Error {
  override name = 'EmbeddedDatabaseUnavailable';
}

export interface EmbeddedDatabase {
  /** MongoDB connection string of the running FerretDB, ending in `/`: append a database name. */
  readonly uri: string;
  readonly pid: number;
  /** Stops FerretDB (SIGTERM, then SIGKILL after a grace period) and resolves when it has exited. */
  stop(): Promise<void>;
  /** Kills FerretDB (SIGKILL) without a chance to clean up; resolves once it has exited. Used by fault tests. */
  kill(): Promise<void>;
}

/** Path of the cached binary: its name carries a hash of the Go sources and patches, so a change rebuilds it. */
export function ferretDbBinaryPath(): string {
  const hash = createHash('sha256');
  for (const file of ferretDbSourceFiles(sourceDir)) hash.update(file).update(readFileSync(join(sourceDir, file)));
  return join(projectRoot, '.cache', 'ferretdb', `ferretdb-embedded-${hash.digest('hex').slice(0, 16)}`);
}

/** Builds our FerretDB program with `go build` unless the cached binary for these sources exists. */
export function ensureFerretDbBinary(log: (message: string) => void = () => {}): string {
  if (!existsSync(join(sourceDir, 'main.go'))) {
    throw new EmbeddedDatabaseUnavailable(
      'No database: set MONGODB_URI to a MongoDB 7+ replica set (this build does not include the embedded FerretDB).',
    );
  }
  const binary = ferretDbBinaryPath();
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new EmbeddedDatabaseUnavailable(
      'No database: install Go 1.24 or newer (to build the embedded FerretDB) or set MONGODB_URI to a MongoDB 7+ replica set.',
    );
  }
  mkdirSync(dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  const buildDir = `${binary}.${process.pid}.src`;
  log('building the embedded FerretDB with go build (first run only, about two minutes)…');
  try {
    preparePatchedBuild(sourceDir, buildDir);
  } catch (error) {
    rmSync(buildDir, { recursive: true, force: true });
    throw new EmbeddedDatabaseUnavailable(
      `Preparing the embedded FerretDB's sources failed: ${(error as Error).message}`,
    );
  }
  const build = spawnSync('go', ['build', '-trimpath', '-o', partial, '.'], {
    cwd: buildDir,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  rmSync(buildDir, { recursive: true, force: true });
  if (build.status !== 0) {
    throw new EmbeddedDatabaseUnavailable(
      `Building the embedded FerretDB failed (go build in services/db/ferretdb): ${(build.stderr || String(build.error)).trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  // Rename is atomic, so concurrent builders (tests, a second service) never see a half-written binary.
  renameSync(partial, binary);
  return binary;
}

/** Starts FerretDB on a free loopback port with its SQLite files in `dataDir`; resolves once it accepts connections. */
export async function startEmbeddedDatabase(
  dataDir: string,
  options: { log?: (message: string) => void; port?: number; timeoutMs?: number } = {},
): Promise<EmbeddedDatabase> {
  const binary = ensureFerretDbBinary(options.log);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Its stdin is a pipe from this process that is never written to: when this process ends in any way (SIGKILL
  // included) the kernel closes it, FerretDB reads end of file and exits, so it never outlives us.
  const child = spawn(binary, ['-dir', resolve(dataDir), '-port', String(options.port ?? 0), '-watch-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A test or a CLI command that ends without stop() must not wait for FerretDB, nor leave it running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    if (/level=ERROR/.test(line)) options.log?.(`ferretdb: ${line}`);
  });
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  void exited.then(() => process.off('exit', killOnExit));
  const uri = await waitForReady(child, resolve(dataDir), stderrTail, options.timeoutMs ?? 30_000);
  return {
    uri,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/**
 * Copies every database file of `dataDir` into `outDir` with SQLite's `VACUUM INTO` (consistent while a server
 * writes) and returns the document count of each collection in each copy. Runs our FerretDB program in its
 * backup mode; no server needs to run, and a running one is not disturbed.
 */
export async function copyEmbeddedDatabaseFiles(
  dataDir: string,
  outDir: string,
): Promise<{ name: string; collections: Record<string, number> }[]> {
  const binary = ensureFerretDbBinary();
  const child = spawn(binary, ['-dir', resolve(dataDir), '-backup-to', resolve(outDir)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode) => done(exitCode));
  }).finally(() => process.off('exit', killOnExit));
  if (code !== 0) {
    throw new EmbeddedDatabaseUnavailable(
      `Copying the embedded database failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  return (JSON.parse(stdout) as { files: { name: string; collections: Record<string, number> }[] }).files;
}

/** What our FerretDB program reports on stderr when another server holds the directory (and exits with code 3). */
const LOCKED_LINE = /^LOCKED pid=(\S+) dir=(.+)$/;

/** The error for a data directory another running server holds; names the directory and that process. */
export function directoryInUse(dir: string, pid: string): EmbeddedDatabaseUnavailable {
  return new EmbeddedDatabaseUnavailable(
    `The data directory ${dir} is in use by another embedded database server (process ${pid}); stop that process ` +
      'or point DATACOOP_DATA_DIR elsewhere.',
  );
}

function waitForReady(child: ChildProcess, dataDir: string, stderrTail: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedDatabaseUnavailable(`The embedded FerretDB did not start within ${timeoutMs} ms.`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^READY (mongodb:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveReady(match[1]!);
      }
    });
    // 'close', not 'exit': it comes after stderr is read to its end, so the LOCKED line is in the tail.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const locked = stderrTail.map((line) => LOCKED_LINE.exec(line)).find(Boolean);
      if (locked) {
        reject(directoryInUse(locked[2] ?? dataDir, locked[1]!));
        return;
      }
      reject(
        new EmbeddedDatabaseUnavailable(
          `The embedded FerretDB exited at start (code ${code ?? signal}): ${stderrTail.slice(-3).join(' ')}`,
        ),
      );
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new EmbeddedDatabaseUnavailable(`The embedded FerretDB could not be started: ${error.message}`));
    });
  });
}
