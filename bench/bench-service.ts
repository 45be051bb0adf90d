// The service as every benchmark runs it: its own embedded FerretDB in a temp folder, a fresh master key, the real
// app on a free loopback port; `stop()` tears all of it down.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { createApp } from '../services/app.js';
import { loadConfig, type Config } from '../services/config.js';
import { createServices, type Services } from '../services/container.js';
import { connectDatabase } from '../services/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../services/db/ferretdb-launcher.js';
import { createLogger } from '../services/logger.js';

export interface BenchService {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  config: Readonly<Config>;
  database: EmbeddedDatabase;
  connection: Connection;
  services: Services;
  server: Server;
  stop(): Promise<void>;
}

/** Starts the service for benchmark `name` (the database is named `bench_<name>`); `now` is the app's clock. */
export async function startBenchService(name: string, now: () => Date = () => new Date()): Promise<BenchService> {
  const dir = mkdtempSync(join(tmpdir(), `datacoop-bench-${name}-`));
  const database = await startEmbeddedDatabase(dir);
  const masterKey = randomBytes(32);
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: database.uri,
    DATACOOP_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const connection = await connectDatabase(database.uri, { dbName: `bench_${name}`, embedded: true });
  const services = await createServices(connection, masterKey, config);
  const app = createApp({ config, log: createLogger('silent'), connection, ...services, now });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    config,
    database,
    connection,
    services,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await services.close();
      await connection.close();
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
