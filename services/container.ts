// Wires the service's parts on an open connection; shared by main.ts, the CLI and the test harness.
import { tmpdir } from 'node:os';
import type { Connection } from 'mongoose';
import { createAuth, type TokenService } from './auth/index.js';
import type { Config } from './config.js';
import { loadKeyring, type Keyring } from './crypto/keyring.js';
import { loadMasterKey } from './crypto/master-key.js';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.js';
import { createAudit, type AuditLog } from './audit/index.js';
import { createMembers, createMemberDirectory, type Members } from './members/index.js';
import { createAssembly, type Assembly } from './assembly/index.js';
import { createErasure, type Erasure } from './erasure/index.js';
import { createVault, IMPORT_BATCH_SIZE, type Vault } from './vault/index.js';
import { createResearch, type Research } from './research/index.js';
import { createPublicRecord, type PublicRecordReader } from './record/index.js';
import { createMail, type Mail } from './mail/index.js';
import { createFhir, type Fhir } from './fhir/index.js';
import { createNotifications, runVoteNotices, type Notifications } from './notifications/index.js';
import { createApps, type Apps } from './apps/index.js';
import { NotFound } from './errors.js';

export interface Services {
  keyring: Keyring;
  tokens: TokenService;
  passwords: PasswordHasher;
  members: Members;
  audit: AuditLog;
  assembly: Assembly;
  vault: Vault;
  research: Research;
  erasure: Erasure;
  record: PublicRecordReader;
  /** Outgoing e-mail; its sender runs only once `mail.startSender()` is called (the service, not the CLI). */
  mail: Mail;
  notifications: Notifications;
  /** The FHIR R4 API's use cases over the vault, research consent and profiles. */
  fhir: Fhir;
  /** Registered apps, members' grants to them and the OAuth (SMART on FHIR) use cases. */
  apps: Apps;
  /** One run of the vote notifications (opened, reminder, outcome); main.ts runs it every few minutes. */
  runVoteNotices(now: Date): Promise<number>;
  /** One run of the housekeeping: expired account tokens, old single-use claims, old notifications (main.ts, hourly). */
  runHousekeeping(now: Date): Promise<{ accountTokens: number; claims: number; notifications: number }>;
  close(): Promise<void>;
}

/** Loads the keys, starts the password workers and builds the use cases; creates indexes on first use. */
export async function createServices(
  connection: Connection,
  masterKey: Buffer,
  config: Readonly<Config>,
  /** The clock of the background work (the mail sender); tests pass theirs. */
  options: { now?: () => Date } = {},
): Promise<Services> {
  // During a master-key rotation the previous key still opens what is not rewrapped yet.
  const previous = config.previousMasterKey && loadMasterKey(config.previousMasterKey, () => {});
  const keyring = await loadKeyring(connection, masterKey, previous);
  const { tokens, revocations } = await createAuth({
    connection,
    keyring,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    accessTtlSeconds: config.jwt.accessTtlSeconds,
  });
  const audit = await createAudit({ connection, keyring, options: config.audit });
  const passwords = await createPasswordHasher({ size: config.passwordWorkers });
  const mail = await createMail({
    connection,
    keyring,
    settings: config.mail,
    publicUrl: config.publicUrl,
    audit,
    ...(options.now && { now: options.now }),
  });
  await mail.ensureIndexes();
  const notifications = createNotifications({ connection, mail });
  await notifications.ensureIndexes();
  const members = createMembers({
    connection,
    keyring,
    passwords,
    tokens,
    revocations,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
    throttle: config.loginThrottle,
    audit,
    mail,
    publicUrl: config.publicUrl,
    notifier: notifications,
  });
  await members.ensureIndexes();
  const assembly = createAssembly({ connection, members, audit, keyring });
  await assembly.ensureIndexes();
  // What research and the vault may know of members: ids, data keys and sealed profiles of active members.
  const directory = createMemberDirectory({ connection, keyring });
  const vault = createVault({
    connection,
    keyring,
    members: directory,
    options: {
      uploadMaxRows: config.upload.maxRows,
      imports: { ...config.imports, tempDir: config.imports.tempDir ?? tmpdir(), batchSize: IMPORT_BATCH_SIZE },
    },
    audit,
  });
  const research = createResearch({ connection, keyring, audit, assembly, vault, members: directory });
  const erasure = createErasure({ connection, keyring, passwords, revocations, audit, vault, research, assembly });
  const record = createPublicRecord({ assembly, research, audit, members });
  const fhir = createFhir({ vault, research, members, audit, keyring, baseUrl: `${config.publicUrl}/fhir` });
  const apps = await createApps({
    connection,
    keyring,
    audit,
    issuer: config.jwt.issuer,
    fhirBase: `${config.publicUrl}/fhir`,
    accessTtlSeconds: config.jwt.accessTtlSeconds,
    // The data key exists exactly as long as the account: erasure destroys it (NotFound afterwards).
    memberExists: (memberId) =>
      directory.dataKeyOf(memberId).then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFound) return false;
          throw error;
        },
      ),
    now: options.now ?? (() => new Date()),
  });
  return {
    keyring,
    tokens,
    passwords,
    members,
    audit,
    assembly,
    vault,
    research,
    erasure,
    record,
    mail,
    notifications,
    fhir,
    apps,
    runVoteNotices: (now) =>
      runVoteNotices(
        { assembly, members, research, notify: (r, at) => notifications.notify(r, at), publicUrl: config.publicUrl },
        now,
      ),
    runHousekeeping: async (now) => {
      const swept = await members.sweepExpiredRecords(now);
      return { accountTokens: swept.tokens, claims: swept.claims, notifications: await notifications.sweepOld(now) };
    },
    close: async () => {
      await mail.close();
      await passwords.close();
    },
  };
}
