// The audit context's interface: the tamper-evident log (append, verify, checkpoints, proofs) and its pure rules.
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { AuditLog } from './audit-log.js';
import type { AuditKeyOptions } from './audit-key.js';

export type {
  AuditEntryFilter,
  AuditEntryPage,
  AuditEntryView,
  AuditLog,
  AuditVerification,
  PublishedCheckpoint,
} from './audit-log.js';
export type { ChainProblem } from './audit-chain.js';
export type { AuditKeyOptions } from './audit-key.js';
export { AuditKeyError } from './audit-anchor.js';
export { ProofOutOfRange } from './audit-tree.js';
export { scheduleAuditCheckpoints } from './audit-schedule.js';
export {
  loadWitnessState,
  saveWitnessState,
  WitnessAlarm,
  publishCosignature,
  witnessOnce,
  witnessPublicKey,
  witnessVerifierKey,
  type WitnessState,
} from './witness.js';
export { entryHash, entryLeaf, GENESIS_HASH } from './audit-chain.js';
export * as merkle from './domain/merkle-tree.js';
export * as signedNote from './domain/signed-note.js';

/** What a context needs to record its events: one append. Contexts take this, never the whole log. */
export interface AuditTrail {
  append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number>;
}

/** Opens the audit log on a connection: loads its checkpoint key and checks it against the pins (AuditKeyError). */
export async function createAudit(deps: {
  connection: Connection;
  keyring: Keyring;
  options: Omit<AuditKeyOptions, 'anchorPath'> & { anchorDir: string };
  now?: Date;
}): Promise<AuditLog> {
  const { anchorDir, ...options } = deps.options;
  const anchorPath = auditAnchorPath(anchorDir, deps.connection.db!.databaseName);
  return AuditLog.open(deps.connection, deps.keyring, { ...options, anchorPath }, deps.now ?? new Date());
}

/** The anchor file of one database's audit log: one per database, so that several logs never share a pin. */
export function auditAnchorPath(anchorDir: string, databaseName: string): string {
  return join(anchorDir, `audit-anchor.${databaseName}.json`);
}
