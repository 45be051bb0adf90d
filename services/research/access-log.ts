// The member's access log: every query and export that read their data, found by their per-policy token.
import { toBuffer } from '../db/connection.js';
import type { PolicyRegistry } from './policy-registry.js';
import { containsToken, type UseRecords } from './use-records.js';

export interface AccessLogEntry {
  queryId: string;
  kind: 'query' | 'export';
  policyId: string;
  study: string;
  purpose: string;
  category: string;
  statistic: string | null;
  at: Date;
  decision: 'allow';
}

/** Every query and export that used the member's data, newest first. */
export async function accessLog(
  deps: { registry: PolicyRegistry; uses: UseRecords },
  memberId: string,
  now: Date,
): Promise<AccessLogEntry[]> {
  const policies = await deps.registry.list(now);
  if (policies.length === 0) return [];
  const byId = new Map(policies.map((p) => [p.policy.id, p]));
  const tokens = new Map(policies.map((p) => [p.policy.id, deps.uses.tokenOf(p.policy.id, memberId)]));
  const records = await deps.uses.underPolicies([...byId.keys()]);
  const entries: AccessLogEntry[] = [];
  for (const record of records) {
    const token = tokens.get(record.policyId);
    if (!token || !containsToken(toBuffer(record.contributors), token)) continue;
    const approved = byId.get(record.policyId)!;
    entries.push({
      queryId: record._id,
      kind: record.kind,
      policyId: record.policyId,
      study: approved.title,
      purpose: approved.policy.purpose,
      category: record.category,
      statistic: record.statistic,
      at: record.at,
      decision: 'allow',
    });
  }
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
}
