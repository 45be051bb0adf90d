// Checks that a database (a restored backup, a MongoDB after mongorestore, or the live one) is whole and readable
// with the configured master key: the audit log verifies, and the newest chunk of every member's vault decrypts.
import type { Connection } from 'mongoose';
import type { AuditVerification } from '../audit/index.js';

/** What the check reads through: the audit log's verifier and the vault's key and chunk readers. */
export interface DataVerificationDeps {
  connection: Connection;
  /** Every account's id (the members context owns the accounts). */
  accounts: { accountIds(): AsyncIterable<string> };
  audit: { verify(now: Date): Promise<AuditVerification> };
  vault: {
    memberKey(memberId: string): Promise<Buffer>;
    openNewestChunk(memberId: string, key: Buffer): Promise<boolean>;
  };
}

export interface DataVerification {
  valid: boolean;
  auditEntries: number;
  auditCheckpoints: number;
  /** Accounts whose data key was unwrapped with the master key. */
  accounts: number;
  /** Vaults whose newest chunk was opened (accounts without observations have none). */
  vaultsChecked: number;
  problems: string[];
}

const KEYRING_COLLECTION = 'keyring';

/**
 * True when the database holds a keyring. Call before the services are created on it: they create a fresh keyring
 * in an empty database, after which an empty or wrong database would look valid.
 */
export async function holdsKeyring(connection: Connection): Promise<boolean> {
  return (await connection.db!.collection(KEYRING_COLLECTION).countDocuments({}, { limit: 1 })) > 0;
}

/** Verifies the audit log and opens the newest chunk of each member's vault; lists every problem found. */
export async function verifyData(deps: DataVerificationDeps, now: Date): Promise<DataVerification> {
  const problems: string[] = [];
  const audit = await deps.audit.verify(now);
  for (const { seq, problem } of audit.problems) problems.push(`audit log position ${seq}: ${problem}`);
  let accounts = 0;
  let vaultsChecked = 0;
  for await (const memberId of deps.accounts.accountIds()) {
    let key: Buffer;
    try {
      key = await deps.vault.memberKey(memberId);
      accounts++;
    } catch (error) {
      problems.push(`account ${memberId}: its data key does not open with the master key (${describe(error)})`);
      continue;
    }
    try {
      // Only the newest chunk: opening every chunk of every member would take as long as a full export.
      if (await deps.vault.openNewestChunk(memberId, key)) vaultsChecked++;
    } catch (error) {
      problems.push(`account ${memberId}: the newest vault chunk does not decrypt (${describe(error)})`);
    }
  }
  return {
    valid: problems.length === 0,
    auditEntries: audit.entries,
    auditCheckpoints: audit.checkpoints,
    accounts,
    vaultsChecked,
    problems,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
