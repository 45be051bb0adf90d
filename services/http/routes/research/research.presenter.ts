// What leaves the server about research requests and policies: whitelisted fields only.
import { microToEpsilon, type ReleasedCell } from '../../../../policies/research/privacy.js';
import { policyBudgetMicro } from '../../../../policies/research/access-policy.js';
import { z } from 'zod';
import type {
  AccessLogEntry,
  ApprovedPolicy,
  ConsentView,
  ExportAnswer,
  ImpactPreview,
  Insights,
  ListedRequest,
  MemberStudy,
  ProposalInclusion,
  QueryAnswer,
  RequestProposalState,
  ResearchRequestDocument,
} from '../../../research/index.js';

/** A research request as its researcher and the stewards see it; `proposal` only where a list read it. */
export function presentRequest(document: ResearchRequestDocument, proposal?: RequestProposalState | null) {
  return {
    id: document._id,
    researcherId: document.researcherId,
    createdAt: document.createdAt.toISOString(),
    status: document.proposalId ? ('proposed' as const) : ('submitted' as const),
    proposalId: document.proposalId ?? null,
    policyId: document.policyId ?? null,
    ...(proposal !== undefined && { proposal }),
    request: { ...document.request },
  };
}

/** A listed request: the request and where its proposal stands now. */
export function presentListedRequest(listed: ListedRequest) {
  return presentRequest(listed.document, listed.proposal);
}

/** The member's own inclusion in an access-policy proposal, category by category. */
export function presentInclusion(inclusion: ProposalInclusion) {
  return {
    proposalId: inclusion.proposalId,
    policyId: inclusion.policyId,
    consentVersion: inclusion.consentVersion,
    categories: inclusion.categories.map((c) => ({
      category: c.category,
      consentLevel: c.consentLevel,
      effect: c.effect,
      reason: c.reason,
    })),
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

/** Who a study is for, as a member may read it: the researcher's name and organisation, never their account. */
export interface StudyResearcher {
  name: string | null;
  organisation: string | null;
}

/** One study as a member sees it: who, why, what, until when, at which level, and their own place in it. */
export function presentMemberStudy(study: MemberStudy, researcher: StudyResearcher) {
  const { approved } = study;
  const { policy } = approved;
  return {
    id: policy.id,
    version: policy.version,
    title: approved.title,
    researcher: { name: researcher.name, organisation: researcher.organisation },
    purpose: policy.purpose,
    level: policy.level,
    statistics: policy.statistics,
    period: policy.period,
    validUntil: policy.validUntil,
    approvedAt: approved.approvedAt.toISOString(),
    minCellSize: policy.minCellSize,
    epsilonBudget: microToEpsilon(policyBudgetMicro(policy)),
    remainingEpsilon: microToEpsilon(study.remainingMicro),
    left: study.left,
    categories: study.categories.map(({ category, included, reason }) => ({ category, included, reason })),
  };
}

/** The impact preview: counts only. */
export function presentImpact(impact: ImpactPreview) {
  return { ...impact, at: impact.at.toISOString() };
}

const intervalSchema = z.array(z.number()).length(2).describe('[low, high]');

const cellSchema = z
  .object({
    group: z.record(z.string(), z.string()),
    suppressed: z.boolean(),
    count: z.number().int().optional().describe('The noisy member count the release was decided on'),
    mean: z.number().optional(),
    quantiles: z
      .array(
        z.object({
          level: z.number(),
          value: z.number(),
          interval95: intervalSchema.describe('Holds the noiseless quantile (all five at once) with ≥ 95 %'),
        }),
      )
      .optional(),
    histogram: z
      .array(
        z.object({
          from: z.number(),
          to: z.number(),
          count: z.number().int().nullable(),
          interval95: intervalSchema.nullable(),
        }),
      )
      .optional(),
    noiseScale: z.number().optional().describe('Scale b = Δ/ε of the noise on the released statistic'),
    interval95: intervalSchema.nullable().optional().describe('95 % interval of the released count or mean'),
  })
  .describe('One cell: its group, and either suppressed (noisy count below τ) or its noisy values');

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
  release: z.object({
    threshold: z.number().int().describe('τ: a cell is released only when its noisy member count is at least τ'),
    rule: z.string(),
    deltaSpent: z.literal(0),
    intervalLevel: z.number(),
  }),
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
    release: { ...answer.release },
    results: answer.results.map((r) => ({ component: r.component, cells: r.cells.map(presentCell) })),
  };
}

// One cell, field by field (nothing else the release computed leaves the server).
function presentCell(cell: ReleasedCell) {
  if (cell.suppressed) return { group: { ...cell.group }, suppressed: true as const };
  return {
    group: { ...cell.group },
    suppressed: false as const,
    ...(cell.count !== undefined && { count: cell.count }),
    ...(cell.mean !== undefined && { mean: cell.mean }),
    ...(cell.quantiles && {
      quantiles: cell.quantiles.map((q) => ({ level: q.level, value: q.value, interval95: q.interval95 })),
    }),
    ...(cell.histogram && {
      histogram: cell.histogram.map((b) => ({ from: b.from, to: b.to, count: b.count, interval95: b.interval95 })),
    }),
    noiseScale: cell.noiseScale,
    interval95: cell.interval95,
  };
}

/** A pseudonymised export: the policy it ran under and its records (pseudonyms only). */
export function presentExport(answer: ExportAnswer) {
  return {
    policyId: answer.policyId,
    policyVersion: answer.policyVersion,
    category: answer.category,
    mode: 'pseudonymised records: exact values rounded to the catalogue’s decimals, no noise, shuffled',
    minimumCohort: answer.minimumCohort,
    generalisation: answer.generalisation,
    records: answer.records,
  };
}

/** The member's consent: in force now, with the times of its versions. */
export function presentConsent(view: ConsentView) {
  return {
    consent: view.consent,
    version: view.version,
    recordedAt: view.recordedAt ? new Date(view.recordedAt).toISOString() : null,
    history: view.history.map((v) => ({
      version: v.version,
      recordedAt: new Date(v.recordedAt).toISOString(),
      changes: v.changes,
    })),
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
