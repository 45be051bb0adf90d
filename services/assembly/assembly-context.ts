// What every assembly use case works on: the collections, the users, the optional log and audit, the cache.
import type { Connection, Model } from 'mongoose';
import type { InsertBatcher } from '../db/insert-batcher.js';
import type { Logger } from 'pino';
import type { UserDocument } from '../members/user.model.js';
import type { AssemblyCollections, TransitionDocument } from './assembly.model.js';

/** The Assembly's constructor argument, named so the use-case files can reach the log and the audit. */
export interface AssemblyDeps {
  connection: Connection;
  log?: Logger;
  /** Proposal events go to the audit log (drafted, opened, withdrawn, extended, finalised). */
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
}

/** One instance's state, passed to each use case instead of `this` so they can live in their own files. */
export interface AssemblyContext {
  readonly db: AssemblyCollections;
  readonly users: Model<UserDocument>;
  readonly deps: AssemblyDeps;
  /** Per-instance cache of openings for the ballot path (see ballots.ts openingOf). */
  readonly openings: Map<string, { transition: TransitionDocument; readAt: number; until: number }>;
  /** The ballot path's inserts into the register and the box, sent in batches (see db/insert-batcher.ts). */
  readonly inserts: { register: InsertBatcher; ballots: InsertBatcher };
}

/** Appends a proposal event to the audit log when one is wired in; the assembly works without it in tests. */
export async function audited(
  ctx: AssemblyContext,
  type: string,
  actor: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await ctx.deps.audit?.append(type, actor, data, now);
}
