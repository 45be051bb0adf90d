// What leaves the server about research requests and policies: whitelisted fields only.
import { microToEpsilon } from '../../../../policies/research/privacy.js';
import { policyBudgetMicro } from '../../../../policies/research/access-policy.js';
import { z } from 'zod';
import type {
  AccessLogEntry,
  ApprovedPolicy,
  ConsentView,
  ExportAnswer,
  ImpactPreview,
  Insights,
  QueryAnswer,
  ResearchRequestDocument,
} from '../../../research/index.js';

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

const cellSchema = z
  .record(z.string(), z.unknown())
  .describe('One released cell: its group, suppressed or its noisy values');

/** The answer to an aggregate query as it leaves the server. */
export const queryAnswerSchema = z.object({
  queryId: z.string(),
  policyId: z.string(),
  policyVersion: z.number().int(),
  category: z.string(),
  statistic: z.string(),
  groupBy: z.array(z.string()),
  period: z.object({ from: z.string(), to: z.string() }),
  epsilonSpent: z.number(),
  remainingEpsilon: z.number(),
  minCellSize: z.number().int(),
  results: z.array(z.object({ component: z.string().nullable(), cells: z.array(cellSchema) })),
});

/** The response type of POST /api/research/queries. */
export type QueryAnswerResponse = z.infer<typeof queryAnswerSchema>;

/** An aggregate query's answer: whitelisted fields, cells as released (suppressed or noisy, never raw values). */
export function presentQueryAnswer(answer: QueryAnswer) {
  return {
    queryId: answer.queryId,
    policyId: answer.policyId,
    policyVersion: answer.policyVersion,
    category: answer.category,
    statistic: answer.statistic,
    groupBy: answer.groupBy,
    period: answer.period,
    epsilonSpent: answer.epsilonSpent,
    remainingEpsilon: answer.remainingEpsilon,
    minCellSize: answer.minCellSize,
    results: answer.results.map((r) => ({ component: r.component, cells: r.cells })),
  };
}

/** A pseudonymised export: the policy it ran under and its records (pseudonyms only). */
export function presentExport(answer: ExportAnswer) {
  return {
    policyId: answer.policyId,
    policyVersion: answer.policyVersion,
    category: answer.category,
    records: answer.records,
  };
}

/** The member's consent: in force now, with the times of its versions. */
export function presentConsent(view: ConsentView) {
  return {
    consent: view.consent,
    version: view.version,
    recordedAt: view.recordedAt ? new Date(view.recordedAt).toISOString() : null,
    history: view.history.map((v) => ({ version: v.version, recordedAt: new Date(v.recordedAt).toISOString() })),
  };
}

/** One entry of the member's access log. */
export function presentAccessLogEntry(entry: AccessLogEntry) {
  return { ...entry, at: entry.at.toISOString() };
}

/** The member's cohort insights: their own value against the released bands. */
export function presentInsights(insights: Insights) {
  return { ...insights, computedAt: insights.computedAt.toISOString() };
}
