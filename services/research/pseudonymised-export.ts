// Record-level export under per-study pseudonyms: throttle → decide → audit the decision (no ε is spent), then every
// in-scope observation of the included members, pseudonymised with a key that exists only for this policy.
import { randomUUID } from 'node:crypto';
import { memberIncluded } from '../../policies/research/consent.js';
import type { AccessRequest } from '../../policies/research/decide.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import { pseudonymiseObservation, type PseudonymisedRecord } from '../../policies/research/pseudonym.js';
import type { Actor } from '../auth/index.js';
import type { MemberDirectory } from '../members/index.js';
import { openSealedChunk } from '../vault/index.js';
import type { ApprovedPolicies } from './approved-policies.js';
import { chunkRefsIn, type CohortDeps, readCohort } from './cohort.js';
import { auditDecision, decideRequest, refusal, type ResearchAudit } from './decision-gate.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { PolicyKeys } from './policy-keys.js';
import type { QueryThrottle } from './query-throttle.js';
import type { UseRecords } from './use-records.js';

export interface ExportDeps {
  throttle: QueryThrottle;
  policies: ApprovedPolicies;
  ledger: EpsilonLedger;
  audit: ResearchAudit;
  policyKeys: PolicyKeys;
  cohort: CohortDeps;
  members: Pick<MemberDirectory, 'researchProfileOf'>;
  uses: UseRecords;
}

/** What an export returns (the route presents it). */
export interface ExportAnswer {
  policyId: string;
  policyVersion: number;
  category: string;
  records: PseudonymisedRecord[];
}

/** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
export async function exportRecords(
  deps: ExportDeps,
  actor: Actor,
  policyId: string,
  input: { category: string; from?: string | undefined; to?: string | undefined },
  now: Date,
): Promise<ExportAnswer> {
  await deps.throttle.take(actor.userId, now);
  const approved = await deps.policies.find(policyId, now);
  const request: AccessRequest = {
    researcherId: actor.userId,
    policyId,
    category: input.category,
    ...(input.from !== undefined && { from: input.from }),
    ...(input.to !== undefined && { to: input.to }),
    level: 'pseudonymised',
  };
  const decision = await decideRequest(deps.ledger, actor, approved, request, now);
  const queryId = randomUUID();
  const subject = { queryId, policyId, category: input.category, export: true };
  await auditDecision(deps.audit, actor, subject, decision, now);
  if (decision.decision === 'deny' || !approved)
    throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
  const policy = approved.policy;
  const key = await deps.policyKeys.keyFor(policyId, now);
  const from = new Date(decision.period.from);
  const to = new Date(decision.period.to);
  const cohort = await readCohort(deps.cohort, { category: input.category, from, to });
  const included = cohort.members.filter(
    (m) => memberIncluded(m.history, policy, input.category, now, 'pseudonymised').included,
  );
  const refs = chunkRefsIn(cohort, included, input.category, from, to);
  const byId = new Map(included.map((m) => [m.id, m]));
  const records: PseudonymisedRecord[] = [];
  const contributors = new Set<string>();
  for (const [memberId, list] of refs) {
    const member = byId.get(memberId)!;
    const groups = groupValuesOf(deps.members.researchProfileOf(member), now);
    for (const ref of list) {
      const document = cohort.sealed.chunks.get(ref.id);
      if (!document) continue;
      for (const observation of openSealedChunk(member, document)) {
        const at = Date.parse(observation.effectiveAt);
        if (at < from.getTime() || at >= to.getTime()) continue;
        contributors.add(memberId);
        records.push(pseudonymiseObservation(observation, memberId, key, policy.deidentification, groups));
      }
    }
  }
  // Sorted by pseudonym then date, so the order says nothing about members' ids or upload order.
  records.sort((a, b) => a.pseudonym.localeCompare(b.pseudonym) || a.effective.localeCompare(b.effective));
  await deps.uses.record(
    {
      kind: 'export',
      queryId,
      policy,
      researcherId: actor.userId,
      category: input.category,
      statistic: null,
      contributors,
    },
    now,
  );
  return { policyId, policyVersion: policy.version, category: input.category, records };
}
