// The only composition root: load config → keys → database → migrations → services →
// createApp(deps).listen.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { answerClientErrors } from './http/client-errors.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices } from './container.js';
import { AuditKeyError, scheduleAuditCheckpoints } from './audit/index.js';
import { loadMasterKey, MasterKeyError } from './crypto/master-key.js';
import { MasterKeyMismatch, memberKeyOpener } from './crypto/keyring.js';
import { isDatabaseUnavailable } from './db/connection.js';
import { openDatabase } from './db/database.js';
import { EmbeddedDatabaseUnavailable } from './db/ferretdb-launcher.js';
import { DatabaseNewerThanCode, MIGRATIONS, MigrationFailed, runMigrations } from './db/migrations/index.js';
import { createLogger } from './logger.js';
import { startKeyDestructionJob } from './research/index.js';
import { seedDemoCooperative } from './demo/demo-cooperative.js';

const VOTE_NOTICE_INTERVAL_MS = 5 * 60_000;
const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;
const demoFixture = resolve(fileURLToPath(new URL('../fixtures/demo-cooperative.json', import.meta.url)));

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const masterKey = loadMasterKey(config.masterKey, (message) => log.warn(message));
  const database = await openDatabase(config, (message) => log.info(message));
  log.info(
    { database: config.mongoUri ? 'external MongoDB (MONGODB_URI)' : `embedded FerretDB in ${config.dataDir}/db` },
    'database connected',
  );
  // Before anything reads or writes the data: another instance starting at the same time waits for our migrations.
  const previousMasterKey = config.previousMasterKey && loadMasterKey(config.previousMasterKey, () => {});
  const migrated = await runMigrations(database.connection.db!, MIGRATIONS, {
    log: (message) => log.info(message),
    memberKey: memberKeyOpener(masterKey, previousMasterKey || undefined),
  });
  log.info({ schemaVersion: migrated.schemaVersion, applied: migrated.applied }, 'database schema is current');
  const services = await createServices(database.connection, masterKey, config);
  const now = () => new Date();
  const swept = await services.vault.sweepImportSpools(now());
  if (swept > 0) log.info({ swept }, 'import spool folders left by a killed process deleted');
  services.mail.startSender({ onError: (error) => log.error({ err: error }, 'mail sender pass failed') });
  // Vote opened / reminder / outcome: every few minutes; each member is notified once per event, whatever runs.
  const voteNotices = setInterval(() => {
    services.runVoteNotices(now()).catch((error: unknown) => log.error({ err: error }, 'vote notifications failed'));
  }, VOTE_NOTICE_INTERVAL_MS);
  voteNotices.unref();
  // Expired account tokens, single-use claims nothing can present again, notifications past their year: hourly.
  const housekeeping = setInterval(() => {
    services
      .runHousekeeping(now())
      .then((swept) => log.info(swept, 'housekeeping swept expired records'))
      .catch((error: unknown) => log.error({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  if (!config.mail.smtpUrl) {
    log[config.env === 'production' ? 'warn' : 'info'](
      { outbox: config.mail.outboxDir },
      'no SMTP_URL: e-mail goes to the local outbox (npm run coop -- outbox)',
    );
  }
  if (config.demo) {
    const seedStarted = Date.now();
    const seeded = await seedDemoCooperative(services.members, demoFixture, now, services.vault, services);
    log.warn(
      { ...seeded, seedMs: Date.now() - seedStarted },
      'DEMO MODE: demo accounts exist (see README "Demo accounts"); set DATACOOP_DEMO=false or use MONGODB_URI to run without them',
    );
  }
  // Pseudonym keys of ended policies are destroyed within a minute, and the embedded database's WAL checkpointed.
  const sqliteFile = config.mongoUri
    ? null
    : resolve(config.dataDir, 'db', `${database.connection.db!.databaseName}.sqlite`);
  const keyJob = startKeyDestructionJob({ research: services.research, now, sqliteFile, log });
  log.info(
    { verifierKey: services.audit.verifierKey, anchor: services.audit.anchorPath },
    'audit checkpoints are signed by this pinned key',
  );
  const checkpoints = scheduleAuditCheckpoints(services.audit, config.audit.checkpointSeconds, now, log);
  const app = createApp({ config, log, connection: database.connection, ...services, now });
  const server = app.listen(config.port, config.host, () => {
    log.info(
      { url: `http://${config.host}:${config.port}`, startupMs: Date.now() - started, node: process.version },
      'Datacoop is listening',
    );
  });
  answerClientErrors(server);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    keyJob.stop();
    clearInterval(checkpoints);
    clearInterval(voteNotices);
    clearInterval(housekeeping);
    server.close();
    server.closeIdleConnections();
    await services.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  const expected =
    error instanceof ConfigError ||
    error instanceof EmbeddedDatabaseUnavailable ||
    error instanceof MasterKeyError ||
    error instanceof MasterKeyMismatch ||
    error instanceof DatabaseNewerThanCode ||
    error instanceof MigrationFailed ||
    error instanceof AuditKeyError;
  // Expected start-up failures get one clear sentence; anything else its stack, for the operator only.
  if (expected) console.error(`Datacoop cannot start: ${(error as Error).message}`);
  else if (isDatabaseUnavailable(error))
    console.error('Datacoop cannot start: the database at MONGODB_URI does not answer.');
  else console.error(error);
  process.exit(1);
});
