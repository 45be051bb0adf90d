// Operator commands (`npm run coop -- <command>`): migrate the database, appoint a steward, rotate the master key,
// verify and witness the audit log, back up, restore and verify the data. Prints nothing secret.
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config.js';
import type { Connection } from 'mongoose';
import { createServices, type Services } from './container.js';
import { MasterKeyMismatch, memberKeyOpener } from './crypto/keyring.js';
import { loadMasterKey, MasterKeyError } from './crypto/master-key.js';
import { rotateMasterKey } from './crypto/master-key-rotation.js';
import { backupEmbeddedDatabase, BackupInvalid } from './db/backup.js';
import { openDatabase } from './db/database.js';
import { EmbeddedDatabaseUnavailable } from './db/ferretdb-launcher.js';
import { restoreEmbeddedBackup } from './ops/restore-backup.js';
import type { DataVerification } from './ops/verify-data.js';
import { verifyDatabase } from './ops/verify-database.js';
import { datacoopVersion } from './db/migrations/datacoop-version.js';
import {
  DatabaseNewerThanCode,
  MIGRATIONS,
  MigrationFailed,
  runMigrations,
  type MigrationReport,
} from './db/migrations/index.js';
import { emailSchema, nameSchema, passwordSchema } from './http/routes/auth/auth.schema.js';
import { AppError } from './errors.js';
import {
  AuditKeyError,
  loadWitnessState,
  publishCosignature,
  saveWitnessState,
  WitnessAlarm,
  witnessOnce,
  witnessVerifierKey,
} from './audit/index.js';
import { listOutbox, readOutboxMessage } from './mail/index.js';

const usage = `Usage:
  npm run coop -- migrate
      Brings the database's stored format up to this version of Datacoop and prints each migration applied. The
      service does the same at start-up; safe to run while other instances start, and again after an interruption.
  npm run coop -- create-steward --email <address> --name "<full name>"
      Appoints a steward. The password is read from standard input (typed at a hidden prompt, or piped),
      never from the command line, and is never printed.
  npm run coop -- rotate-master-key
      Rewraps every member data key and keyring secret under DATACOOP_MASTER_KEY(_FILE), opening what is still
      under the old key with DATACOOP_PREVIOUS_MASTER_KEY(_FILE). No data is re-encrypted. Safe to interrupt
      and run again; once it reports success, remove the previous key from the configuration.
  npm run coop -- verify-audit
      Recomputes the audit log's hash chain and Merkle tree and checks a signed checkpoint at every required
      position, each checkpoint's root and the checkpoint recorded in the data directory's anchor; exit code 1 if
      anything was edited, removed, reordered, inserted, truncated or re-signed. Writes nothing.
  npm run coop -- witness <url> [--key <verifier key>] [--state <file>] [--name <witness name>] [--publish]
      Fetches the log's latest checkpoint from <url>, checks its signature against the pinned verifier key (given,
      or remembered in the state file, default ./witness-state.json) and its consistency with the last checkpoint
      this witness saw, then cosigns it (C2SP tlog-cosignature) and remembers it. Exit code 1 on a fork, a
      rollback, a changed key or a bad signature. Needs no database: anyone can run it. Prints the witness's own
      key and which other listed witnesses cosigned the same checkpoint; --publish posts the cosignature to the
      log, which shows it once the operator lists that key in DATACOOP_AUDIT_WITNESSES.
  npm run coop -- backup <dir>
      Writes a consistent copy of the embedded database into the new or empty directory <dir>, with a manifest
      (time, version, collections and counts, checksums); safe while the service runs. The master key is NOT in
      the backup. With MONGODB_URI, use mongodump instead (docs/operations.md).
  npm run coop -- restore <dir>
      Restores the backup in <dir> into the empty data directory DATACOOP_DATA_DIR and verifies it (checksums,
      counts, audit log, the newest chunk of every member under the master key); keeps it only if all pass.
  npm run coop -- verify-data
      Verifies the configured database as restore does (e.g. a MongoDB after mongorestore); exit code 1 on any
      problem.
  npm run coop -- outbox [<file> | --latest]
      Without SMTP_URL, e-mail is kept in the local outbox (MAIL_OUTBOX_DIR, by default <data dir>/outbox): lists
      its messages newest first, or prints one message as sent (a file name from the list, or the newest).`;

/** Opens the configured database and the service's use cases for one command, and closes them afterwards. */
async function withServices<T>(
  config: ReturnType<typeof loadConfig>,
  run: (services: Services, connection: Connection) => Promise<T>,
): Promise<T> {
  const masterKey = loadMasterKey(config.masterKey, (message) => console.error(message));
  const database = await openDatabase(config, () => {});
  try {
    // Every command works on a database in the format of this code, as the service does.
    await runMigrations(database.connection.db!, MIGRATIONS, {
      log: (message) => console.error(message),
      memberKey: memberKeyOpener(masterKey),
    });
    const services = await createServices(database.connection, masterKey, config);
    try {
      return await run(services, database.connection);
    } finally {
      await services.close();
    }
  } finally {
    await database.close();
  }
}

async function readPassword(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const lines = createInterface({ input });
    for await (const line of lines) return line;
    return '';
  }
  // Hidden prompt: echo nothing while the password is typed.
  process.stdout.write('Password for the new steward (8–1024 characters, not shown): ');
  const rl = createInterface({ input, output: process.stdout, terminal: true });
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const password = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return password;
}

async function createSteward(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' } } });
  const parsed = z.object({ email: emailSchema, name: nameSchema }).safeParse(values);
  if (!parsed.success) {
    console.error(
      `Invalid arguments: ${parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
    console.error(usage);
    return 2;
  }
  const password = await readPassword();
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) {
    console.error(`Password not accepted: ${checked.error.issues[0]?.message}`);
    return 2;
  }
  return withServices(loadConfig(), async (services) => {
    const now = new Date();
    const account = await services.members.createSteward({ ...parsed.data, password: checked.data }, now);
    await services.audit.append('steward.appointed', 'cli', { stewardId: account.id }, now);
    console.log(`Steward created (id ${account.id}). They can log in now.`);
    return 0;
  });
}

async function rotateKey(): Promise<number> {
  const config = loadConfig();
  if (!config.previousMasterKey) {
    console.error(
      'Set DATACOOP_PREVIOUS_MASTER_KEY (or _FILE) to the old master key, and DATACOOP_MASTER_KEY to the new one.',
    );
    return 2;
  }
  return withServices(config, async (services) => {
    const report = await rotateMasterKey(services.keyring, services.members, (done) => {
      if (done % 1000 === 0) console.log(`… ${done} accounts checked`);
    });
    console.log(
      `Master key rotated: ${report.rewrapped} keys rewrapped, ${report.alreadyCurrent} already under the new key. ` +
        'Remove DATACOOP_PREVIOUS_MASTER_KEY from the configuration and destroy the old key.',
    );
    return 0;
  });
}

async function verifyAudit(): Promise<number> {
  return withServices(loadConfig(), async (services) => {
    const result = await services.audit.verify(new Date());
    if (result.valid) {
      console.log(`Audit log intact: ${result.entries} entries, ${result.checkpoints} signed checkpoints verified.`);
      return 0;
    }
    console.log(`AUDIT LOG TAMPERED: ${result.problems.length} problem(s) in ${result.entries} entries:`);
    for (const { seq, problem } of result.problems) console.log(`  position ${seq}: ${problem}`);
    return 1;
  });
}

async function witness(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      state: { type: 'string' },
      name: { type: 'string' },
      publish: { type: 'boolean' },
    },
  });
  const url = positionals[0];
  if (!url || positionals.length !== 1 || !/^https?:\/\//.test(url)) {
    console.error(`witness needs one http(s) URL.\n${usage}`);
    return 2;
  }
  const statePath = resolve(values.state ?? 'witness-state.json');
  const state = loadWitnessState(statePath, values.name ?? 'witness.local/datacoop');
  try {
    const { state: next, result } = await witnessOnce(url, state, { verifierKey: values.key, now: new Date() });
    saveWitnessState(statePath, next);
    if (result.firstUse)
      console.log(`Pinned the log's verifier key on first use: ${next.logs[result.origin]!.verifierKey}`);
    const since =
      result.previousSize === null ? 'first checkpoint seen' : `consistent with size ${result.previousSize}`;
    console.log(`Cosigned ${result.origin} at size ${result.size} (${since}):\n${result.cosignature.trimEnd()}`);
    const others = result.alsoCosignedBy;
    console.log(
      others.length > 0
        ? `The same checkpoint is cosigned by: ${others.join(', ')}.`
        : 'No other listed witness has cosigned this checkpoint yet.',
    );
    console.log(`This witness's key (for the log's DATACOOP_AUDIT_WITNESSES): ${witnessVerifierKey(next)}`);
    if (values.publish) {
      const published = await publishCosignature(url, result);
      console.log(
        published.status === 201
          ? 'Published the cosignature on the log.'
          : `The log did not publish the cosignature (${published.status} ${published.code ?? ''}).`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof WitnessAlarm)) throw error;
    console.log(`WITNESS ALARM: ${error.message}.`);
    return 1;
  }
}

/** The configuration with the master key file never created: checking data under a new key proves nothing. */
function existingKeyConfig(config: ReturnType<typeof loadConfig>): ReturnType<typeof loadConfig> {
  if (config.masterKey.source === 'env') return config;
  return { ...config, masterKey: { ...config.masterKey, createIfMissing: false } };
}

function printVerification(result: DataVerification): void {
  console.log(
    `Audit log: ${result.auditEntries} entries, ${result.auditCheckpoints} signed checkpoints. ` +
      `Data keys opened: ${result.accounts} accounts; newest vault chunk decrypted: ${result.vaultsChecked} members.`,
  );
  for (const problem of result.problems.slice(0, 50)) console.log(`  PROBLEM: ${problem}`);
  if (result.problems.length > 50) console.log(`  … and ${result.problems.length - 50} more problems`);
}

const masterKeyReminder = (config: ReturnType<typeof loadConfig>) =>
  'The master key is NOT in this backup, by design: keep it apart from the backup ' +
  `(${config.masterKey.source === 'env' ? 'DATACOOP_MASTER_KEY' : `the key file ${config.masterKey.path}`}). ` +
  "Without the key the backup cannot be read; whoever holds both can read every member's data.";

async function backup(args: string[]): Promise<number> {
  const [target] = args;
  if (!target) {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  if (config.mongoUri) {
    console.error(
      'This service uses MongoDB (MONGODB_URI): back it up with mongodump or a snapshot as docs/operations.md ' +
        'describes, and check a restored copy with `npm run coop -- verify-data`.',
    );
    return 2;
  }
  const manifest = await backupEmbeddedDatabase(join(config.dataDir, 'db'), resolve(target), {
    now: new Date(),
    datacoopVersion: datacoopVersion(),
  });
  for (const file of manifest.files) {
    const counts = Object.values(file.collections);
    console.log(
      `Backed up ${file.name}: ${counts.length} collections, ${counts.reduce((a, b) => a + b, 0)} documents, ` +
        `${file.bytes} bytes, sha256 ${file.sha256}.`,
    );
  }
  console.log(`Backup written to ${resolve(target)} (manifest.json lists what it holds).`);
  console.log(masterKeyReminder(config));
  return 0;
}

async function restore(args: string[]): Promise<number> {
  const [source] = args;
  if (!source) {
    console.error(usage);
    return 2;
  }
  const config = existingKeyConfig(loadConfig());
  if (config.mongoUri) {
    console.error(
      'This service uses MongoDB (MONGODB_URI): restore with mongorestore as docs/operations.md describes, then ' +
        'run `npm run coop -- verify-data`.',
    );
    return 2;
  }
  const masterKey = loadMasterKey(config.masterKey, (message) => console.error(message));
  const result = await restoreEmbeddedBackup({
    backupDir: resolve(source),
    dataDir: config.dataDir,
    allowedFiles: config.masterKey.source === 'file' ? [config.masterKey.path] : [],
    verify: (connection) => verifyDatabase(connection, masterKey, config, new Date()),
  });
  console.log(`Backup of ${result.manifest.createdAt} (Datacoop ${result.manifest.datacoopVersion}): checksums match.`);
  for (const problem of result.countProblems) console.log(`  PROBLEM: ${problem}`);
  if (result.verification) printVerification(result.verification);
  if (!result.restored) {
    console.log(`RESTORE FAILED: the backup did not verify; nothing was kept in ${config.dataDir}.`);
    return 1;
  }
  console.log(`Restored into ${join(config.dataDir, 'db')} and verified. Start the service with the same master key.`);
  return 0;
}

async function verifyDataCommand(): Promise<number> {
  const config = existingKeyConfig(loadConfig());
  const masterKey = loadMasterKey(config.masterKey, (message) => console.error(message));
  const database = await openDatabase(config, () => {});
  try {
    const result = await verifyDatabase(database.connection, masterKey, config, new Date());
    printVerification(result);
    console.log(result.valid ? 'Data verified.' : `DATA NOT VERIFIED: ${result.problems.length} problem(s).`);
    return result.valid ? 0 : 1;
  } finally {
    await database.close();
  }
}

async function migrate(): Promise<number> {
  const config = loadConfig();
  const masterKey = loadMasterKey(config.masterKey, (message) => console.error(message));
  const database = await openDatabase(config, () => {});
  let report: MigrationReport;
  try {
    report = await runMigrations(database.connection.db!, MIGRATIONS, {
      log: (message) => console.error(message),
      memberKey: memberKeyOpener(masterKey),
    });
  } finally {
    await database.close();
  }
  for (const { version, name, ms } of report.applied)
    console.log(`Applied migration ${version} (${name}) in ${ms} ms.`);
  console.log(
    report.applied.length === 0
      ? `Database already at schema version ${report.schemaVersion}: nothing to apply.`
      : `Database now at schema version ${report.schemaVersion}.`,
  );
  return 0;
}

/** Lists the local outbox, or prints one message (by file name, or the newest with --latest). */
async function outbox(args: string[]): Promise<number> {
  const dir = loadConfig().mail.outboxDir;
  const entries = await listOutbox(dir);
  const [which] = args;
  if (which === undefined) {
    if (entries.length === 0) console.log(`The outbox (${dir}) is empty.`);
    for (const entry of entries) console.log(`${entry.file}\t${entry.to}\t${entry.subject}`);
    return 0;
  }
  const file = which === '--latest' ? entries[0]?.file : which;
  const raw = file === undefined ? null : await readOutboxMessage(dir, file);
  if (raw === null) {
    console.error(`No message "${which}" in the outbox (${dir}).`);
    return 1;
  }
  console.log(raw);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'migrate') return migrate();
  if (command === 'create-steward') return createSteward(rest);
  if (command === 'rotate-master-key') return rotateKey();
  if (command === 'verify-audit') return verifyAudit();
  if (command === 'witness') return witness(rest);
  if (command === 'backup') return backup(rest);
  if (command === 'restore') return restore(rest);
  if (command === 'verify-data') return verifyDataCommand();
  if (command === 'outbox') return outbox(rest);
  console.error(command && command !== 'help' ? `Unknown command "${command}".\n${usage}` : usage);
  return command && command !== 'help' ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected =
      error instanceof ConfigError ||
      error instanceof AppError ||
      error instanceof BackupInvalid ||
      error instanceof DatabaseNewerThanCode ||
      error instanceof MigrationFailed ||
      error instanceof EmbeddedDatabaseUnavailable ||
      error instanceof MasterKeyError ||
      error instanceof MasterKeyMismatch ||
      error instanceof AuditKeyError;
    if (expected) console.error(error.message);
    else console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
