// The audit context's interface: the tamper-evident log (append, verify, checkpoints) and the pure chain rules.
import type { Connection } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { AuditLog } from './audit-log.js';

export type { AuditEntryFilter, AuditEntryPage, AuditEntryView, AuditLog, AuditVerification } from './audit-log.js';
export type { ChainProblem } from './audit-chain.js';
export type { AuditCheckpointDocument as AuditCheckpoint } from './audit.model.js';
export { entryHash, GENESIS_HASH } from './audit-chain.js';

/** What a context needs to record its events: one append. Contexts take this, never the whole log. */
export interface AuditTrail {
  append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number>;
}

/** Opens the audit log on a connection, loading (or creating) its checkpoint signing key. */
export async function createAudit(deps: { connection: Connection; keyring: Keyring }): Promise<AuditLog> {
  return AuditLog.open(deps.connection, deps.keyring);
}
