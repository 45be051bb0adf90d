// The record of every answered query and export: who asked what, and which members' data was read — kept as
// sorted per-policy blind tokens, so a member can find their own uses but the record names no one.
import type { AccessPolicy } from '../../policies/research/access-policy.js';
import type { ResearchContext } from './research-context.js';

export interface QueryRecord {
  _id: string;
  kind: 'query' | 'export';
  policyId: string;
  policyVersion: number;
  researcherId: string;
  category: string;
  statistic: string | null;
  at: Date;
  /** Sorted 16-byte tokens HMAC(blind-index key, policy ‖ member) of the members whose data was read. */
  contributors: Buffer;
}

const TOKEN_BYTES = 16;

/** Stores one answered query or export with its contributors as sorted tokens (binary-searchable, no ids). */
export async function recordUse(
  ctx: ResearchContext,
  kind: 'query' | 'export',
  queryId: string,
  policy: AccessPolicy,
  researcherId: string,
  category: string,
  statistic: string | null,
  contributors: Set<string>,
  now: Date,
): Promise<void> {
  const tokens = [...contributors].map((id) => contributorToken(ctx, policy.id, id)).sort(Buffer.compare);
  await ctx.queries.insertOne({
    _id: queryId,
    kind,
    policyId: policy.id,
    policyVersion: policy.version,
    researcherId,
    category,
    statistic,
    at: now,
    contributors: Buffer.concat(tokens),
  });
}

/** The researcher's own answered queries and exports, newest first (no contributor data). */
export async function queryHistory(ctx: ResearchContext, researcherId: string) {
  const records = await ctx.queries
    .find({ researcherId }, { projection: { contributors: 0 } })
    .sort({ at: -1 })
    .limit(1000)
    .toArray();
  return records.map((r) => ({
    queryId: r._id,
    kind: r.kind,
    policyId: r.policyId,
    policyVersion: r.policyVersion,
    category: r.category,
    statistic: r.statistic,
    at: r.at.toISOString(),
  }));
}

/** The member's token under one policy; differs per policy, so records of two studies cannot be linked. */
export function contributorToken(ctx: ResearchContext, policyId: string, memberId: string): Buffer {
  return Buffer.from(ctx.deps.keyring.blindIndex('access-log', `${policyId}\u001f${memberId}`), 'hex').subarray(
    0,
    TOKEN_BYTES,
  );
}

/** Binary search in a record's sorted token list, so the access log never decodes whole lists. */
export function containsToken(list: Buffer, token: Buffer): boolean {
  let low = 0;
  let high = list.length / TOKEN_BYTES - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const cmp = Buffer.compare(list.subarray(mid * TOKEN_BYTES, (mid + 1) * TOKEN_BYTES), token);
    if (cmp === 0) return true;
    if (cmp < 0) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}
