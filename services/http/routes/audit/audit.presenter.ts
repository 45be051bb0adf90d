// The only fields of the audit log's verification and checkpoints that leave the server.
import type { AuditCheckpoint, AuditEntryPage, AuditVerification, ChainProblem } from '../../../audit/index.js';

/** A verification result: counts and the position and kind of every problem, never an entry's content. */
export function presentVerification(result: AuditVerification): {
  valid: boolean;
  entries: number;
  checkpoints: number;
  problems: ChainProblem[];
} {
  return {
    valid: result.valid,
    entries: result.entries,
    checkpoints: result.checkpoints,
    problems: result.problems.map(({ seq, problem }) => ({ seq, problem })),
  };
}

/** Signed checkpoints, oldest first, with the public key that verifies them. */
export function presentCheckpoints(
  publicKey: Record<string, unknown>,
  checkpoints: readonly AuditCheckpoint[],
): { publicKey: Record<string, unknown>; checkpoints: { seq: number; hash: string; at: string; jws: string }[] } {
  return {
    publicKey,
    checkpoints: checkpoints.map((c) => ({ seq: c._id, hash: c.hash, at: c.at.toISOString(), jws: c.jws })),
  };
}

/** A page of audit entries: position, time, type, actor (an id or pseudonym) and the entry's codes and ids. */
export function presentEntryPage(page: AuditEntryPage): {
  entries: { seq: number; at: string; type: string; actor: string; data: Record<string, unknown> }[];
  nextBefore: number | null;
} {
  return {
    entries: page.entries.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      type: e.type,
      actor: e.actor,
      data: e.data,
    })),
    nextBefore: page.nextBefore,
  };
}
