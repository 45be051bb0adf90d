// The service as every benchmark runs it: its own embedded FerretDB in a temp folder and a fresh master key,
// the real app in a child process (bench/service-process.ts) on a free loopback port, whose memory is sampled
// from /proc on its own — never together with the benchmark's load generator. The benchmark keeps a second
// connection to the same database with the same services in its own process, for seeding through the storage
// functions, signing members in and raw-driver baselines. `stop()` tears all of it down and returns the peak RSS.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { loadConfig, type Config } from '../services/config.js';
import { createServices, type Services } from '../services/container.js';
import { connectDatabase } from '../services/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../services/db/ferretdb-launcher.js';
import { SERVICE_NODE_FLAGS } from '../services/node-flags.js';
import type { ChildMessage, ParentMessage } from './service-process.js';

const MB = 1024 * 1024;
const sourceEntry = fileURLToPath(new URL('./service-process.ts', import.meta.url));

/**
 * The service runs as in production (the Dockerfile): compiled JavaScript under plain `node`, so its memory is the
 * service's own and not also the TypeScript loader's (`--import tsx` adds a thread with its own heap, ≈ 30 MB).
 * Compiled once into .cache/bench-dist (incremental, so later benchmarks of a run compile nothing);
 * BENCH_TSX=1 runs the sources under tsx as `npm start` does.
 */
function serviceEntry(): { entry: string; loader: string[] } {
  if (process.env.BENCH_TSX === '1') return { entry: sourceEntry, loader: ['--import', 'tsx'] };
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'bench/tsconfig.service.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // What tsc does not copy (the Dockerfile copies it the same way).
  const css = 'services/http/routes/system/api-reference.css';
  copyFileSync(join(root, css), join(root, '.cache/bench-dist', css));
  // The web app where the compiled service looks for it (next to its services/, as in the image).
  const web = join(root, '.cache/bench-dist/dist/web');
  if (!existsSync(web)) {
    mkdirSync(dirname(web), { recursive: true });
    symlinkSync(join(root, 'dist/web'), web, 'dir');
  }
  return { entry: join(root, '.cache/bench-dist/bench/service-process.js'), loader: [] };
}

/** Resident memory of one process, from /proc/<pid>/status (kB there, MB here); undefined once it has exited. */
export function readRss(pid: number): { rssMB: number; hwmMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
    return { rssMB: field('VmRSS'), hwmMB: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat; 0 once it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on Linux on every common architecture. */
const CLOCK_TICKS = 100;

/** Measures how busy processes were during a phase: CPU seconds per wall second (1.0 = one core). */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const wallStart = performance.now();
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () => {
    const wall = (performance.now() - wallStart) / 1000;
    return Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, Number(((cpuSeconds(pid) - start[name]!) / wall).toFixed(2))]),
    );
  };
}

/** Samples a process's RSS every `intervalMs`; `peakMB` is the larger of the kernel's high-water mark and samples. */
export class RssMonitor {
  private readonly timer: NodeJS.Timeout;
  private peakSampleMB = 0;
  private hwmMB = 0;
  private lastMB = 0;

  constructor(
    readonly pid: number,
    intervalMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Reads the process now; returns its current RSS in MB. */
  sample(): number {
    const memory = readRss(this.pid);
    if (memory) {
      this.lastMB = memory.rssMB;
      this.peakSampleMB = Math.max(this.peakSampleMB, memory.rssMB);
      this.hwmMB = Math.max(this.hwmMB, memory.hwmMB);
    }
    return this.lastMB;
  }

  /** Highest RSS of the process so far (VmHWM, which also sees peaks between samples). */
  get peakMB(): number {
    return Math.max(this.hwmMB, this.peakSampleMB);
  }

  /** Peak of the samples only: unlike VmHWM it can be reset, to see the peak of one phase. */
  resetPhase(): void {
    this.peakSampleMB = this.sample();
  }

  get phasePeakMB(): number {
    return this.peakSampleMB;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The embedded database of one benchmark run and the key the service and the benchmark share. */
export interface BenchDatabase {
  database: EmbeddedDatabase;
  dbName: string;
  masterKey: Buffer;
  dir: string;
}

/** A service (or bare baseline) process: where it listens, its pid and memory, its clock, its end. */
export interface ServiceProcess {
  base: string;
  port: number;
  pid: number;
  memory: RssMonitor;
  /** Moves the service's clock by `offsetMs` from the real time (to close a vote). */
  setClockOffset(offsetMs: number): Promise<void>;
  /** The process's own view of its memory (heap, external, array buffers), in bytes. */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  /** Stops the process normally (a --cpu-prof profile is written) and returns its peak RSS in MB. */
  stop(): Promise<number>;
}

export interface BenchService extends ServiceProcess {
  config: Readonly<Config>;
  db: BenchDatabase;
  database: EmbeddedDatabase;
  /** The benchmark's own connection and services over the same database (seeding, tokens, baselines). */
  connection: Connection;
  services: Services;
  /** FerretDB's own RSS (the database process), for the record. */
  databaseMemory: RssMonitor;
}

export interface ServiceOptions {
  /** Extra environment of the service process (e.g. BENCH_QUERIES_PER_MINUTE, LOGIN_MAX_ATTEMPTS_PER_IP). */
  env?: Record<string, string>;
  /** `bare`: the baseline app with only the JWT check. */
  mode?: 'service' | 'bare';
  /**
   * Node flags of the service process; BENCH_CPU_PROF=<dir> adds --cpu-prof into that folder and
   * BENCH_SERVICE_NODE_FLAGS replaces the production heap flags (services/node-flags.ts; `none`: Node's defaults);
   * neither applies to the bare baseline.
   */
  nodeFlags?: string[];
}

/** Starts an embedded FerretDB in a temp folder for benchmark `name` (database `bench_<name>`). */
export async function startBenchDatabase(name: string): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `datacoop-bench-${name}-`));
  const database = await startEmbeddedDatabase(join(dir, 'db'));
  return { database, dbName: `bench_${name}`, masterKey: randomBytes(32), dir };
}

function serviceEnv(db: BenchDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATACOOP_MASTER_KEY: db.masterKey.toString('base64'),
    // The run's own data directory: the audit anchor pins this run's key, never ./data.
    DATACOOP_DATA_DIR: db.dir,
    // BENCH_LOG_LEVEL=warn shows the service's warnings and errors (e.g. what a 5xx was) on the benchmark's stderr.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    ACCESS_TOKEN_TTL_SECONDS: '900',
    ...extra,
  };
}

/** Forks bench/service-process.ts on the benchmark's database and waits until it listens. */
export async function startServiceProcess(db: BenchDatabase, options: ServiceOptions = {}): Promise<ServiceProcess> {
  // The service runs with its production heap bounds; BENCH_SERVICE_NODE_FLAGS replaces them for experiments
  // (e.g. other V8 heap sizes; `none` runs with Node's defaults).
  const override = process.env.BENCH_SERVICE_NODE_FLAGS;
  const extra =
    override === undefined ? [...SERVICE_NODE_FLAGS] : override === 'none' ? [] : override.split(' ').filter(Boolean);
  const { entry, loader } = serviceEntry();
  const flags = [...loader, ...(options.nodeFlags ?? []), ...(options.mode === 'bare' ? [] : extra)];
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir && options.mode !== 'bare') {
    mkdirSync(profileDir, { recursive: true });
    flags.push('--cpu-prof', '--cpu-prof-dir', profileDir);
  }
  const child: ChildProcess = fork(entry, [], {
    execArgv: flags,
    env: {
      ...process.env,
      ...serviceEnv(db, options.env),
      BENCH_DB_URI: db.database.uri,
      BENCH_DB_NAME: db.dbName,
      ...(options.mode === 'bare' && { BENCH_MODE: 'bare' }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A benchmark that crashes or exits without stop() takes its service process with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.port);
    });
    void exited.then((code) => reject(new Error(`the service process exited with ${code} before listening`)));
  });
  const memory = new RssMonitor(child.pid!);
  const tell = (message: ParentMessage) => child.send(message);
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    memory,
    setClockOffset(offsetMs) {
      return new Promise<void>((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type === 'clock-set' && message.offsetMs === offsetMs) {
            child.off('message', onMessage);
            resolve();
          }
        };
        child.on('message', onMessage);
        tell({ type: 'clock', offsetMs });
      });
    },
    memoryUsage() {
      return new Promise<NodeJS.MemoryUsage>((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type === 'memory') {
            child.off('message', onMessage);
            resolve(message.usage);
          }
        };
        child.on('message', onMessage);
        tell({ type: 'memory' });
      });
    },
    async stop() {
      memory.sample();
      const peak = memory.peakMB;
      memory.stop();
      if (child.exitCode === null) {
        tell({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return peak;
    },
  };
}

/** Starts the database, the service process, and the benchmark's own connection and services on the same data. */
export async function startBenchService(name: string, options: ServiceOptions = {}): Promise<BenchService> {
  const db = await startBenchDatabase(name);
  const removeDatabase = async () => {
    await db.database.stop();
    rmSync(db.dir, { recursive: true, force: true });
  };
  // The service process first: it creates the keyring and the token-signing key the benchmark then loads.
  const service = await startServiceProcess(db, options).catch(async (error: unknown) => {
    await removeDatabase();
    throw error;
  });
  const config = loadConfig({ ...serviceEnv(db, options.env), MONGODB_URI: db.database.uri });
  let connection: Connection | undefined;
  let services: Services;
  try {
    connection = await connectDatabase(db.database.uri, { dbName: db.dbName, embedded: true });
    services = await createServices(connection, db.masterKey, config);
  } catch (error) {
    // Set-up failed half-way: stop what is already running before reporting it.
    await service.stop();
    await connection?.close();
    await removeDatabase();
    throw error;
  }
  const databaseMemory = new RssMonitor(db.database.pid, 1_000);
  return {
    ...service,
    config,
    db,
    database: db.database,
    connection,
    services,
    databaseMemory,
    async stop() {
      const peak = await service.stop();
      databaseMemory.stop();
      await services.close();
      await connection.close();
      await removeDatabase();
      return peak;
    },
  };
}

/** One line on a process's memory: RSS and what V8 says it holds. */
export function describeMemory(usage: NodeJS.MemoryUsage): string {
  const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
  return `rss ${mb(usage.rss)}: heap ${mb(usage.heapUsed)} used of ${mb(usage.heapTotal)}, external ${mb(usage.external)} (array buffers ${mb(usage.arrayBuffers)})`;
}

/** A JSON client of the service for a benchmark's set-up: throws with the status and body on any non-2xx. */
export function apiCaller(base: string) {
  return async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a benchmark reads a few known fields
    const json = (await response.json()) as any;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}
