// The service as a benchmark runs it: its own process (so its memory is measured alone, not with the load
// generator), built like services/main.ts on the database the benchmark started. Configured by the environment:
//   BENCH_DB_URI, BENCH_DB_NAME          the FerretDB started by the benchmark and the database name
//   DATACOOP_MASTER_KEY, LOG_LEVEL, …    read by loadConfig as in production (NODE_ENV=test: no key file)
//   BENCH_MODE=bare                      instead of the service: a bare Koa app with one route doing only the
//                                        service's JWT check (the baseline of the API benchmark)
//   BENCH_QUERIES_PER_MINUTE             the research throttle per researcher (default: the service's 30)
// Talks to its parent over IPC: sends {type:'ready', port}; accepts {type:'clock', offsetMs} (moves the app's
// clock, to close a vote), {type:'memory'} (answers process.memoryUsage()) and {type:'stop'} (closes everything and exits normally, so --cpu-prof is written).
import Koa from 'koa';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../services/app.js';
import { createTokenService } from '../services/auth/index.js';
import { loadConfig } from '../services/config.js';
import { createServices } from '../services/container.js';
import { loadKeyring } from '../services/crypto/keyring.js';
import { connectDatabase } from '../services/db/connection.js';
import { createLogger } from '../services/logger.js';

export type ParentMessage = { type: 'clock'; offsetMs: number } | { type: 'memory' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'clock-set'; offsetMs: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage };

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const uri = process.env.BENCH_DB_URI;
  const dbName = process.env.BENCH_DB_NAME;
  if (!uri || !dbName) throw new Error('BENCH_DB_URI and BENCH_DB_NAME are required');
  const config = loadConfig({ ...process.env, MONGODB_URI: uri });
  const masterKey = (config.masterKey as { key: Buffer }).key;
  const connection = await connectDatabase(uri, { dbName, embedded: true });
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);

  let server: Server;
  let close: () => Promise<void>;
  if (process.env.BENCH_MODE === 'bare') {
    // The baseline: Koa with one middleware, the very token check the service uses, a small JSON body.
    const keyring = await loadKeyring(connection, masterKey);
    const tokens = await createTokenService(keyring, {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlSeconds: config.jwt.accessTtlSeconds,
    });
    const app = new Koa();
    app.use(async (ctx) => {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(ctx.get('authorization'));
      const claims = match ? await tokens.verifyAccessToken(match[1]!, now()) : null;
      if (!claims) {
        ctx.status = 401;
        ctx.body = { error: { code: 'invalid_token', message: 'The access token is not valid.' } };
        return;
      }
      ctx.body = { userId: claims.userId, role: claims.role };
    });
    server = app.listen(0, '127.0.0.1');
    close = async () => {};
  } else {
    const services = await createServices(connection, masterKey, config);
    const perMinute = Number(process.env.BENCH_QUERIES_PER_MINUTE ?? 0);
    // Research.options is the object every research use case reads: the benchmark's throttle applies at once.
    if (perMinute > 0) services.research.options.queriesPerMinute = perMinute;
    const app = createApp({ config, log: createLogger(config.logLevel), connection, ...services, now });
    server = app.listen(0, '127.0.0.1');
    close = () => services.close();
  }
  await new Promise((resolve) => server.once('listening', resolve));

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'clock') {
      offsetMs = message.offsetMs;
      send({ type: 'clock-set', offsetMs });
    } else if (message.type === 'memory') {
      send({ type: 'memory', usage: process.memoryUsage() });
    } else if (message.type === 'stop') {
      server.closeAllConnections();
      server.close();
      void close()
        .then(() => connection.close())
        .finally(() => process.exit(0));
    }
  });
  // The parent went away without saying stop: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
