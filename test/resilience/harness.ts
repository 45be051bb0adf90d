// Real processes for the fault tests: a FerretDB that can be killed and restarted on the same port and files, the
// service as a child process (`node --import tsx services/main.ts`) that can be killed, an in-process view of the
// same database for setting up and checking, and HTTP with a deadline and a measured duration on every request.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../services/config.js';
import { createServices, type Services } from '../../services/container.js';
import { MIGRATIONS, runMigrations } from '../../services/db/migrations/index.js';
import { memberKeyOpener } from '../../services/crypto/keyring.js';
import { connectDatabase } from '../../services/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../services/db/ferretdb-launcher.js';
import { SERVICE_NODE_FLAGS } from '../../services/node-flags.js';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A FerretDB in a temporary folder, killable and restartable on the same port and files. */
export class KillableDatabase {
  private constructor(
    readonly dir: string,
    private current: EmbeddedDatabase | undefined,
    readonly port: number,
  ) {
    // Never leave a FerretDB behind if the test process ends first (kill() signals synchronously).
    process.once('exit', () => void this.current?.kill());
  }

  static async start(): Promise<KillableDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'datacoop-resilience-db-'));
    const database = await startEmbeddedDatabase(dir);
    return new KillableDatabase(dir, database, Number(new URL(database.uri).port));
  }

  /** Connection string of one database on this server. */
  uri(dbName: string): string {
    return `mongodb://127.0.0.1:${this.port}/${dbName}?directConnection=true`;
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill(): Promise<void> {
    await this.current?.kill();
    this.current = undefined;
  }

  /** Starts FerretDB again on the same port with the same files. */
  async restart(): Promise<void> {
    if (this.current) throw new Error('the database is still running');
    this.current = await startEmbeddedDatabase(this.dir, { port: this.port, timeoutMs: 30_000 });
  }

  async stop(): Promise<void> {
    await this.current?.stop();
    this.current = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ServiceEnv {
  /** The database; without it the service starts its embedded FerretDB under `dataDir`, as `npm start` does. */
  mongoUri?: string;
  masterKey: Buffer;
  port?: number;
  /** The data folder (kept afterwards); by default a temporary one, removed when the service exits. */
  dataDir?: string;
}

/** Spawns `node --import tsx services/main.ts` as `npm start` runs it, with demo mode off. */
export function spawnService(port: number, masterKey: Buffer, dataDir: string, mongoUri?: string): ChildProcess {
  return spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', 'services/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...(mongoUri !== undefined && { MONGODB_URI: mongoUri }),
      DATACOOP_MASTER_KEY: masterKey.toString('base64'),
      DATACOOP_DATA_DIR: dataDir,
      DATACOOP_DEMO: 'false',
      LOG_LEVEL: 'warn',
      // Every client of these tests comes from 127.0.0.1.
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The service as a child process, started like `npm start` but with demo mode off and the given database. */
export class ServiceProcess {
  private readonly tail: string[] = [];
  private readonly errors: string[] = [];
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        this.tail.push(line);
        // Errors are kept apart so a flood of warnings cannot push them out.
        // 5xx answers are logged at error level too; what matters are unhandled errors and crashes.
        const isError = line.startsWith('{') ? /"level":60|"msg":"unhandled error"/.test(line) : /Error/.test(line);
        if (isError && this.errors.length < 20) this.errors.push(line);
      }
      this.tail.splice(0, Math.max(0, this.tail.length - 40));
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((done) => child.once('exit', () => done()));
    // Never leave a service behind if the test process ends first.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void this.exited.then(() => process.off('exit', killOnExit));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the service and resolves once `/health/ready` answers 200 (at most `timeoutMs`). */
  static async start(env: ServiceEnv, timeoutMs = 60_000): Promise<ServiceProcess> {
    const port = env.port ?? (await freePort());
    const dataDir = env.dataDir ?? mkdtempSync(join(tmpdir(), 'datacoop-resilience-service-'));
    const child = spawnService(port, env.masterKey, dataDir, env.mongoUri);
    const service = new ServiceProcess(child, port, dataDir);
    if (!env.dataDir) void service.exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the service exited at start:\n${service.output()}`);
      const ready = await request(service.baseUrl, 'GET', '/health/ready', { timeoutMs: 2_000 }).catch(() => null);
      if (ready?.status === 200) return service;
      await sleep(200);
    }
    await service.kill();
    throw new Error(`the service was not ready within ${timeoutMs} ms:\n${service.output()}`);
  }

  /** True while the process has not exited. */
  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no shutdown handler runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (clean shutdown), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines the service printed (for failure messages). */
  output(): string {
    return this.tail.join('\n');
  }

  /** The first error lines the service logged (unhandled errors, crashes). */
  errorLines(): string[] {
    return [...this.errors];
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  /** Milliseconds from sending the request to reading the whole answer. */
  ms: number;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** The request is aborted (and rejects) after this long; every request here has a deadline. */
  timeoutMs?: number;
}

/** One HTTP request with a deadline; rejects on a network error or when the deadline passes. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const started = performance.now();
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text, ms: performance.now() - started };
}

/** Calls `probe` every `everyMs` until it returns true; resolves with the time taken, rejects after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** The test's own view of a database the service processes use: same master key, the service's use cases. */
export interface DirectAccess {
  connection: Connection;
  services: Services;
  close(): Promise<void>;
}

/** Connects to `uri` with the service's own code (for setting up and for checking what was stored). */
export async function openDirect(uri: string, masterKey: Buffer): Promise<DirectAccess> {
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    DATACOOP_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
    // Its own audit anchor, never ./data: database names recur between runs.
    DATACOOP_DATA_DIR: join(tmpdir(), 'datacoop-test', randomUUID()),
  });
  const connection = await connectDatabase(uri, { embedded: true });
  // As the service does (services/main.ts): the stored format is brought up to date before any service starts, so
  // what the services create (the keyring's mail key, say) never meets the check of an older format.
  await runMigrations(connection.db!, MIGRATIONS, { memberKey: memberKeyOpener(masterKey) });
  const services = await createServices(connection, masterKey, config);
  return {
    connection,
    services,
    async close() {
      await services.close();
      await connection.close();
    },
  };
}

/** A fresh random master key and database name for one scenario. */
export function freshScenario(name: string): { masterKey: Buffer; dbName: string } {
  return { masterKey: randomBytes(32), dbName: `${name}_${randomBytes(4).toString('hex')}` };
}

/** Logs in over HTTP and returns the access token. */
export async function loginToken(baseUrl: string, email: string, password: string): Promise<string> {
  const reply = await request(baseUrl, 'POST', '/api/auth/login', { body: { email, password } });
  if (reply.status !== 200) throw new Error(`login of ${email} failed: ${reply.status} ${reply.text}`);
  return reply.body.accessToken as string;
}

/** Runs `task` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
