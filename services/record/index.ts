// The public record's interface: what anyone may read without signing in (policies, requests, decisions, audit
// checkpoints), composed from the other contexts' interfaces and never writing anything.
import { publicRecord, type PublicRecordDeps, publicResults } from './public-record.js';

export type { PolicyRecord, ProposalRecord, PublicRecord, RequestRecord } from './public-record.js';

/** Binds the public record's reads to the contexts it reads from. */
export function createPublicRecord(deps: PublicRecordDeps) {
  return {
    /** Policies, requests, counted proposals and the audit checkpoints, as of `now`. */
    read: (now: Date) => publicRecord(deps, now),
    /** One counted proposal's ballot list and digest. */
    results: (id: string, now: Date) => publicResults(deps, id, now),
  };
}

/** The public record as bound by `createPublicRecord`. */
export type PublicRecordReader = ReturnType<typeof createPublicRecord>;
