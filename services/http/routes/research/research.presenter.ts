// What leaves the server about research requests and policies: whitelisted fields only.
import { microToEpsilon } from '../../../../policies/research/privacy.js';
import { policyBudgetMicro } from '../../../../policies/research/access-policy.js';
import type { ApprovedPolicy } from '../../../research/policy-registry.js';
import type { ImpactPreview, ResearchRequestDocument } from '../../../research/research.js';

/** A research request as its researcher and the stewards see it. */
export function presentRequest(document: ResearchRequestDocument) {
  return {
    id: document._id,
    researcherId: document.researcherId,
    createdAt: document.createdAt.toISOString(),
    status: document.proposalId ? ('proposed' as const) : ('submitted' as const),
    proposalId: document.proposalId ?? null,
    policyId: document.policyId ?? null,
    request: { ...document.request },
  };
}

/** An approved policy, with its status and budget. */
export function presentPolicy(approved: ApprovedPolicy, remainingMicro: number | null) {
  const { policy } = approved;
  return {
    id: policy.id,
    version: policy.version,
    title: approved.title,
    status: approved.status,
    proposalId: approved.proposalId,
    approvedAt: approved.approvedAt.toISOString(),
    revokedAt: approved.revokedAt?.toISOString() ?? null,
    grantee: policy.grantee,
    purpose: policy.purpose,
    duo: policy.duo,
    categories: policy.categories,
    level: policy.level,
    statistics: policy.statistics,
    groupBy: policy.groupBy,
    period: policy.period,
    validUntil: policy.validUntil,
    minCellSize: policy.minCellSize,
    epsilonBudget: microToEpsilon(policyBudgetMicro(policy)),
    remainingEpsilon: remainingMicro === null ? null : microToEpsilon(remainingMicro),
  };
}

/** The impact preview: counts only. */
export function presentImpact(impact: ImpactPreview) {
  return { ...impact, at: impact.at.toISOString() };
}
