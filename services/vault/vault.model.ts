// What the vault stores: sealed chunks of observations, versioned sealed directories, Idempotency-Key records.
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';

export const CHUNK_COLLECTION = 'vault_chunks';
export const HEAD_COLLECTION = 'vault_heads';
export const IDEMPOTENCY_COLLECTION = 'vault_idempotency';
export const INSTANCE_COLLECTION = 'vault_instances';
/** Sealed per-day statistics of each chunk, under the chunk's `_id` (chunk-summary.ts). */
export const SUMMARY_COLLECTION = 'vault_summaries';

/** One sealed chunk: the observations of one member, category and UTC month (`YYYY-MM`), sealed under their key. */
export interface ChunkDocument {
  _id: string;
  member: string;
  category: string;
  month: string;
  sealed: Buffer;
}

/** The sealed per-day statistics of one chunk, under the chunk's `_id`, with the same plaintext metadata. */
export interface SummaryDocument {
  _id: string;
  member: string;
  category: string;
  month: string;
  sealed: Buffer;
}

/** One version of a member's directory `<member>:v:<n>` (or the hint `<member>:hint`). */
export interface HeadDocument {
  _id: string;
  /** Absent on pruned versions. */
  member?: string;
  version?: number;
  /** Absent on pruned versions. */
  sealed?: Buffer;
}

/** A chunk as listed in the directory. */
export interface ChunkRef {
  id: string;
  category: string;
  month: string;
}

/** The newest committed directory of a member's vault (version 0: empty). */
export interface Head {
  version: number;
  chunks: ChunkRef[];
}

/** A stored observation with its id (`<chunk>-<row>`), stable because chunks never change. */
export type StoredObservation = NormalisedObservation & { readonly id: string };

export interface StoreResult {
  received: number;
  stored: number;
  duplicates: number;
}

/** Which chunks to read: a category, and a range of UTC months (inclusive, `YYYY-MM`). */
export interface ChunkFilter {
  category?: string | undefined;
  fromMonth?: string | undefined;
  toMonth?: string | undefined;
}

/** The key's record (`state`, `fingerprint`, `result`) or one of its attempt claims (`instance`, `startedAt`). */
export interface IdempotencyDocument {
  _id: string;
  member: string;
  state?: 'pending' | 'done';
  /** Keyed hash (member data key) of the body: a different body under the same key is refused. */
  fingerprint?: string;
  result?: Buffer;
  createdAt?: Date;
  /** The service instance running this attempt. */
  instance?: string;
  startedAt?: Date;
  /** Set when the attempt failed: a retry may take over at once. */
  endedAt?: Date;
}

/** A service instance's heartbeat while it runs uploads. */
export interface InstanceDocument {
  _id: string;
  beatAt: Date;
}

/** A member whose vault may be opened: their id and unwrapped data key. */
export interface KeyedMember {
  id: string;
  key: Buffer;
}

/** What research may read of every vault at once: directories and sealed chunks, ciphertext only. */
export interface SealedCohort {
  /** Every directory version still holding content (the newest of each member among them). */
  directories: HeadDocument[];
  /** The sealed chunks of the scope's category and months, by id (empty without a scope). */
  chunks: Map<string, ChunkDocument>;
}

/** Which chunks a sealed cohort read brings: one category, UTC months inclusive. */
export interface CohortScope {
  category: string;
  months: { from: string; to: string };
}
