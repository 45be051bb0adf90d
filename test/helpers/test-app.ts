// createTestApp(): the real service (real middleware, real FerretDB database of its own) on a random port.
import { randomBytes, randomUUID } from 'node:crypto';
import { memberKeyOpener } from '../../services/crypto/keyring.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { createApp } from '../../services/app.js';
import { answerClientErrors } from '../../services/http/client-errors.js';
import { loadConfig, type Config } from '../../services/config.js';
import { createServices, type Services } from '../../services/container.js';
import { connectDatabase } from '../../services/db/connection.js';
import { MIGRATIONS, runMigrations } from '../../services/db/migrations/index.js';
import { createLogger } from '../../services/logger.js';
import type { Connection } from 'mongoose';
import type { FhirCallerResolver } from '../../services/fhir/index.js';

/** This test file's run: data directories never outlive it. */
const RUN = randomUUID();

export interface TestApp {
  baseUrl: string;
  config: Readonly<Config>;
  connection: Connection;
  services: Services;
  masterKey: Buffer;
  /** The clock the app sees; tests move it with `clock.set()`. */
  clock: TestClock;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A database URI for this test file: the run's FerretDB (or MONGODB_URI) with a database name of its own. */
export function testDatabaseUri(): { uri: string; dbName: string } {
  return { uri: inject('mongoUri'), dbName: `test_${randomUUID().replaceAll('-', '').slice(0, 12)}` };
}

/** A bare connection to a fresh database of its own (no app), and how to drop and close it afterwards. */
export async function connectTestDatabase(): Promise<{ connection: Connection; dropAndClose(): Promise<void> }> {
  const { uri, dbName } = testDatabaseUri();
  const connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  return {
    connection,
    async dropAndClose() {
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

/** Starts the real app against a fresh database; `env` overrides configuration variables. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: {
    uri?: string;
    dbName?: string;
    masterKey?: Buffer;
    /** More /fhir caller resolvers after the member session's (app tokens, or a test's own). */
    fhirCallerResolvers?: readonly FhirCallerResolver[];
    /** A fixed port (a browser test whose PUBLIC_URL must name it); a free one by default. */
    port?: number;
  } = {},
): Promise<TestApp> {
  const fresh = testDatabaseUri();
  const uri = options.uri ?? fresh.uri;
  const dbName = options.dbName ?? fresh.dbName;
  const masterKey = options.masterKey ?? randomBytes(32);
  // Without SMTP_URL the app's e-mail goes to an outbox of its own, removed with the app.
  const outboxDir = mkdtempSync(join(tmpdir(), 'datacoop-test-outbox-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    DATACOOP_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
    // A data directory per database and test file (instances on one database share it, as on one host): the audit
    // anchor lives there, and a database name reused by another file or run must not meet an older pin.
    DATACOOP_DATA_DIR: join(tmpdir(), 'datacoop-test', RUN, dbName),
    MAIL_OUTBOX_DIR: outboxDir,
    ...env,
  });
  const connection = await connectDatabase(uri, {
    dbName,
    embedded: options.uri !== undefined || !process.env.MONGODB_URI,
  });
  // As in production (services/main.ts): the stored format is brought up to date before the services start.
  await runMigrations(connection.db!, MIGRATIONS, { memberKey: memberKeyOpener(masterKey) });
  const clock = new TestClock();
  // A service that refuses to start (e.g. a missing audit key) must not leave its connection open.
  const services = await createServices(connection, masterKey, config, { now: clock.now }).catch(
    async (error: unknown) => {
      await connection.close();
      throw error;
    },
  );
  // Queuing wakes the sender at once; the poll only picks up retries (and other instances' messages).
  services.mail.startSender({ pollMs: 500 });
  const log = createLogger(config.logLevel);
  const app = createApp({
    config,
    log,
    connection,
    ...services,
    now: clock.now,
    ...(options.fhirCallerResolvers && { fhirCallerResolvers: options.fhirCallerResolvers }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
    answerClientErrors(s);
    // Node's fetch reuses an idle socket until 1 s before the server's advertised keep-alive timeout (5 s); on a
    // loaded machine the server's timer can fire first and the next request meets ECONNRESET. Tests keep sockets
    // idle longer than any gap between their requests.
    s.keepAliveTimeout = 30_000;
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    config,
    connection,
    services,
    masterKey,
    clock,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await fetch(baseUrl + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await services.close();
      await connection.dropDatabase().catch(() => {});
      await connection.close();
      rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}
