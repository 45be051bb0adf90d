// The record of every answered query and export: who asked what, and which members' data was read — kept as
// sorted per-policy blind tokens, so a member can find their own uses but the record names no one.
import type { Connection, mongo } from 'mongoose';
import type { AccessPolicy } from '../../policies/research/access-policy.js';
import type { Keyring } from '../crypto/keyring.js';
import { QUERY_COLLECTION, type QueryRecord } from './research.model.js';

const TOKEN_BYTES = 16;

/** One answered query or export, as the use cases hand it over. */
export interface UseOfData {
  kind: 'query' | 'export';
  queryId: string;
  policy: AccessPolicy;
  researcherId: string;
  category: string;
  statistic: string | null;
  contributors: Set<string>;
}

/** Stores and reads the records of answered queries and exports. */
export class UseRecords {
  private readonly records: mongo.Collection<QueryRecord>;

  constructor(
    connection: Connection,
    private readonly keyring: Keyring,
  ) {
    this.records = connection.collection<QueryRecord>(QUERY_COLLECTION);
  }

  /** Stores one answered query or export with its contributors as sorted tokens (binary-searchable, no ids). */
  async record(use: UseOfData, now: Date): Promise<void> {
    const tokens = [...use.contributors]
      .map((id) => contributorToken(this.keyring, use.policy.id, id))
      .sort(Buffer.compare);
    await this.records.insertOne({
      _id: use.queryId,
      kind: use.kind,
      policyId: use.policy.id,
      policyVersion: use.policy.version,
      researcherId: use.researcherId,
      category: use.category,
      statistic: use.statistic,
      at: now,
      contributors: Buffer.concat(tokens),
    });
  }

  /** Every record under these policies. */
  async underPolicies(policyIds: readonly string[]): Promise<QueryRecord[]> {
    return this.records.find({ policyId: { $in: [...policyIds] } }).toArray();
  }

  /** A researcher's records, newest first, at most 1000, without contributor tokens. */
  async ofResearcher(researcherId: string): Promise<Omit<QueryRecord, 'contributors'>[]> {
    return this.records
      .find({ researcherId }, { projection: { contributors: 0 } })
      .sort({ at: -1 })
      .limit(1000)
      .toArray();
  }

  /** The member's token under one policy (see `contributorToken`). */
  tokenOf(policyId: string, memberId: string): Buffer {
    return contributorToken(this.keyring, policyId, memberId);
  }
}

/** The researcher's own answered queries and exports, newest first (no contributor data). */
export async function queryHistory(uses: UseRecords, researcherId: string) {
  const records = await uses.ofResearcher(researcherId);
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
export function contributorToken(keyring: Keyring, policyId: string, memberId: string): Buffer {
  return Buffer.from(keyring.blindIndex('access-log', `${policyId}\u001f${memberId}`), 'hex').subarray(0, TOKEN_BYTES);
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
