// The only fields of the audit log's verification, checkpoints, proofs and entries that leave the server.
import type { AuditEntryPage, AuditVerification, ChainProblem, PublishedCheckpoint } from '../../../audit/index.js';

/** A verification result: counts, the recomputed root and every problem's position and kind, never an entry. */
export function presentVerification(result: AuditVerification): {
  valid: boolean;
  entries: number;
  checkpoints: number;
  root: string;
  problems: ChainProblem[];
} {
  return {
    valid: result.valid,
    entries: result.entries,
    checkpoints: result.checkpoints,
    root: result.root,
    problems: result.problems.map(({ seq, problem }) => ({ seq, problem })),
  };
}

/** One signed checkpoint: tree size, hex root, time and the C2SP signed note. */
export function presentCheckpoint(c: PublishedCheckpoint): { size: number; root: string; at: string; note: string } {
  return { size: c.size, root: c.root, at: c.at.toISOString(), note: c.note };
}

/** Signed checkpoints, oldest first, with the keys that verify them. */
export function presentCheckpoints(
  keys: { verifierKey: string; publicKey: Record<string, unknown> },
  checkpoints: readonly PublishedCheckpoint[],
) {
  return { ...keys, checkpoints: checkpoints.map(presentCheckpoint) };
}

/** A proof's hashes, base64 as in the checkpoint. */
export function presentHashes(hashes: readonly Buffer[]): string[] {
  return hashes.map((h) => h.toString('base64'));
}

/** An entry's inclusion proof: its leaf (base64), index in the tree and audit path. */
export interface PresentedInclusion {
  leafIndex: number;
  leaf: string;
  auditPath: string[];
}

/** A page of audit entries: position, time, type, actor (an id or pseudonym), codes and ids, and any proof. */
export function presentEntryPage(
  page: AuditEntryPage,
  proofs?: { checkpoint: PublishedCheckpoint | null; bySeq: ReadonlyMap<number, PresentedInclusion> },
) {
  return {
    entries: page.entries.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      type: e.type,
      actor: e.actor,
      data: e.data,
      ...(proofs && { proof: proofs.bySeq.get(e.seq) ?? null }),
    })),
    nextBefore: page.nextBefore,
    ...(proofs && { checkpoint: proofs.checkpoint && presentCheckpoint(proofs.checkpoint) }),
  };
}
