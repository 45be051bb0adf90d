// Wires the service's parts on an open connection; shared by main.ts, the CLI and the test harness.
import type { Connection } from 'mongoose';
import { Revocations } from './auth/revocations.js';
import { createTokenService, type TokenService } from './auth/token-service.js';
import type { Config } from './config.js';
import { loadKeyring, type Keyring } from './crypto/keyring.js';
import { loadMasterKey } from './crypto/master-key.js';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.js';
import { AuditLog } from './audit/audit-log.js';
import { Accounts } from './members/accounts.js';
import { Assembly } from './assembly/assembly.js';
import { createErasure, type Erasure } from './erasure/index.js';
import { createMemberDirectory } from './members/member-directory.js';
import { createVault, type Vault } from './vault/index.js';
import { createResearch, type Research } from './research/index.js';

export interface Services {
  keyring: Keyring;
  tokens: TokenService;
  passwords: PasswordHasher;
  accounts: Accounts;
  audit: AuditLog;
  assembly: Assembly;
  vault: Vault;
  research: Research;
  erasure: Erasure;
  close(): Promise<void>;
}

/** Loads the keys, starts the password workers and builds the use cases; creates indexes on first use. */
export async function createServices(
  connection: Connection,
  masterKey: Buffer,
  config: Readonly<Config>,
): Promise<Services> {
  // During a master-key rotation the previous key still opens what is not rewrapped yet.
  const previous = config.previousMasterKey && loadMasterKey(config.previousMasterKey, () => {});
  const keyring = await loadKeyring(connection, masterKey, previous);
  const tokens = await createTokenService(keyring, {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    ttlSeconds: config.jwt.accessTtlSeconds,
  });
  // Tokens live ttl seconds (plus the verifier's 5 s age tolerance); a minute of margin for clock skew.
  const revocations = new Revocations(connection, (config.jwt.accessTtlSeconds + 60) * 1000);
  const audit = await AuditLog.open(connection, keyring);
  const passwords = await createPasswordHasher();
  const accounts = new Accounts({
    connection,
    keyring,
    passwords,
    tokens,
    revocations,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
    throttle: config.loginThrottle,
    audit,
  });
  await accounts.ensureIndexes();
  const assembly = new Assembly({ connection, audit });
  await assembly.ensureIndexes();
  const members = createMemberDirectory({ connection, keyring });
  const vault = createVault({ connection, keyring, members, options: { uploadMaxRows: config.upload.maxRows }, audit });
  const research = createResearch({ connection, keyring, audit, assembly, vault, members });
  const erasure = createErasure({ connection, keyring, passwords, revocations, audit, vault, research });
  return {
    keyring,
    tokens,
    passwords,
    accounts,
    audit,
    assembly,
    vault,
    research,
    erasure,
    close: () => passwords.close(),
  };
}
