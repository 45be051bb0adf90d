// Wires the service's parts on an open connection; shared by main.ts, the CLI and the test harness.
import type { Connection } from 'mongoose';
import { createTokenService, type TokenService } from './auth/token-service.js';
import type { Config } from './config.js';
import { loadKeyring, type Keyring } from './crypto/keyring.js';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.js';
import { Accounts } from './members/accounts.js';
import { Assembly } from './assembly/assembly.js';

export interface Services {
  keyring: Keyring;
  tokens: TokenService;
  passwords: PasswordHasher;
  accounts: Accounts;
  assembly: Assembly;
  close(): Promise<void>;
}

/** Loads the keys, starts the password workers and builds the use cases; creates indexes on first use. */
export async function createServices(
  connection: Connection,
  masterKey: Buffer,
  config: Readonly<Config>,
): Promise<Services> {
  const keyring = await loadKeyring(connection, masterKey);
  const tokens = await createTokenService(keyring, {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    ttlSeconds: config.jwt.accessTtlSeconds,
  });
  const passwords = await createPasswordHasher();
  const accounts = new Accounts({
    connection,
    keyring,
    passwords,
    tokens,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
    throttle: config.loginThrottle,
  });
  await accounts.ensureIndexes();
  const assembly = new Assembly({ connection });
  await assembly.ensureIndexes();
  return { keyring, tokens, passwords, accounts, assembly, close: () => passwords.close() };
}
