// The only fields of the public record that leave the server: no account id, no e-mail, no name of a member, no
// participation list, no voter even in open mode, and nothing of a proposal before it is counted.
import type { z } from 'zod';
import type { PublishedResults } from '../../../assembly/index.js';
import type { PolicyRecord, ProposalRecord, PublicRecord, RequestRecord } from '../../../record/index.js';
import { presentCheckpoint } from '../audit/audit.presenter.js';
import { presentEnactment } from '../proposals/proposals.presenter.js';
import type {
  publicPolicySchema,
  publicProposalSchema,
  publicRecordSchema,
  publicRequestSchema,
  publicResultsSchema,
} from './public.schema.js';

/** The whole record at `at`. */
export function presentPublicRecord(record: PublicRecord, at: Date): z.infer<typeof publicRecordSchema> {
  return {
    at: at.toISOString(),
    policies: record.policies.map(presentPublicPolicy),
    requests: record.requests.map(presentPublicRequest),
    proposals: record.proposals.map(presentPublicProposal),
    checkpoints: {
      verifierKey: record.checkpoints.verifierKey,
      publicKey: record.checkpoints.publicKey,
      list: record.checkpoints.list.map(presentCheckpoint),
    },
  };
}

/** A policy: who asks (organisation), what, why, ε spent of the budget, valid until — never the grantee's id. */
export function presentPublicPolicy({
  approved,
  organisation,
  budget,
}: PolicyRecord): z.infer<typeof publicPolicySchema> {
  const { policy } = approved;
  return {
    id: policy.id,
    version: policy.version,
    title: approved.title,
    status: approved.status,
    organisation,
    purpose: policy.purpose,
    categories: [...policy.categories],
    level: policy.level,
    statistics: [...policy.statistics],
    groupBy: [...policy.groupBy],
    period: { from: policy.period.from, to: policy.period.to },
    validUntil: policy.validUntil,
    approvedAt: approved.approvedAt.toISOString(),
    revokedAt: approved.revokedAt?.toISOString() ?? null,
    proposalId: approved.proposalId,
    epsilonBudget: budget.total,
    // Rounded to micro-ε: the difference of two micro-ε counts, shown as ε.
    epsilonSpent: Math.round((budget.total - budget.remaining) * 1e6) / 1e6,
    minCellSize: policy.minCellSize,
  };
}

/** A request: its title, purpose, organisation and status — never the researcher's account. */
export function presentPublicRequest({
  request,
  organisation,
  status,
}: RequestRecord): z.infer<typeof publicRequestSchema> {
  const shown = status === 'draft' || status === 'announced' ? 'filed' : status;
  return {
    id: request._id,
    title: request.request.title,
    purpose: request.request.purpose,
    organisation,
    categories: [...request.request.categories],
    level: request.request.level,
    filedAt: request.createdAt.toISOString(),
    status: shown,
    proposalId: shown === 'filed' ? null : (request.proposalId ?? null),
  };
}

/** A counted proposal: the frozen text, outcome, totals, the ballot list's digest and whether it was enacted. */
export function presentPublicProposal({ view, enactment }: ProposalRecord): z.infer<typeof publicProposalSchema> {
  const transition = view.transition!;
  const outcome = view.outcome!;
  const content = transition.content ?? view.proposal.content;
  return {
    id: view.proposal._id,
    kind: view.proposal.kind,
    title: content.title,
    summary: content.summary,
    targetPolicyId: view.proposal.targetPolicyId,
    openedAt: transition.openedAt!.toISOString(),
    closesAt: transition.closesAt!.toISOString(),
    electorate: transition.electorate!,
    outcome: outcome.outcome,
    reason: outcome.reason,
    totals: { ...outcome.totals },
    ballotListDigest: outcome.ballotListDigest,
    bylawsVersion: transition.bylawsVersion ?? 1,
    finalisedAt: outcome.finalisedAt.toISOString(),
    enactment: presentEnactment(enactment),
  };
}

/** One counted proposal with its ballot list (receipt and choice only, whatever the ballot mode). */
export function presentPublicResults(results: PublishedResults): z.infer<typeof publicResultsSchema> {
  return {
    proposal: presentPublicProposal({ view: results.view, enactment: results.enactment }),
    ballots: (results.ballots ?? []).map(({ receipt, choice }) => ({ receipt, choice })),
  };
}
