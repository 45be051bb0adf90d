// The only fields of proposals and results that leave the server. While a vote is open, only the turnout.
import type { z } from 'zod';
import type {
  BallotReceipt,
  BylawsVersionInfo,
  Enactment,
  PendingVote,
  ProposalView,
  PublishedResults,
  ReminderSummary,
} from '../../../assembly/index.js';
import type {
  ballotReceiptSchema,
  bylawsSchema,
  enactmentSchema,
  pendingVotesSchema,
  proposalSchema,
  remindersSchema,
  requesterSchema,
  resultsSchema,
} from './proposals.schema.js';
import type { Account } from '../../../members/index.js';

/** Who asks for an access policy, as members may read it: name, organisation, verification — never the e-mail. */
export function presentRequester(account: Account | null): z.infer<typeof requesterSchema> {
  if (!account || account.role !== 'researcher') return null;
  return {
    name: account.profile.name,
    organisation: account.profile.organisation ?? null,
    verification: account.researcher?.verification ?? 'pending',
    nonProfit: account.researcher?.verification === 'verified' ? (account.researcher.nonProfit ?? false) : null,
  };
}

/** The researcher an access-policy proposal would grant access to (its policy's grantee), if there is one. */
export function granteeOf(view: ProposalView): string | undefined {
  const content = view.transition?.content ?? view.proposal.content;
  const grantee = view.proposal.kind === 'access-policy' ? content.policy?.['grantee'] : undefined;
  return typeof grantee === 'string' ? grantee : undefined;
}

/**
 * Whitelists a proposal; once opened, the content shown is the frozen copy members vote on. `requester` (one
 * proposal read only) is who asks, read now: a name or verification may have changed since the vote opened.
 */
export function presentProposal(
  view: ProposalView,
  requester?: z.infer<typeof requesterSchema>,
): z.infer<typeof proposalSchema> {
  const { proposal, transition, outcome } = view;
  const content = transition?.content ?? proposal.content;
  return {
    id: proposal._id,
    kind: proposal.kind,
    status: view.status,
    targetPolicyId: proposal.targetPolicyId,
    title: content.title,
    summary: content.summary,
    ...(content.policy && { policy: content.policy }),
    ...(content.amendment && { amendment: content.amendment }),
    ...(requester !== undefined && { requester }),
    createdAt: proposal.createdAt.toISOString(),
    ...(view.announcement && { announcedAt: view.announcement.announcedAt.toISOString() }),
    ...(transition?.openedAt && { openedAt: transition.openedAt.toISOString() }),
    ...(transition?.closesAt && { closesAt: transition.closesAt.toISOString() }),
    ...(transition?.withdrawnAt && { withdrawnAt: transition.withdrawnAt.toISOString() }),
    ...(transition?.electorate !== undefined && { electorate: transition.electorate }),
    ...(view.turnout !== null && { turnout: view.turnout }),
    ...(transition?.rules && {
      frozen: {
        contentDigest: transition.contentDigest!,
        rules: transition.rules,
        rulesDigest: transition.rulesDigest!,
        bylawsVersion: transition.bylawsVersion!,
        bylawsDigest: transition.bylawsDigest!,
      },
    }),
    ...(outcome && { outcome: { outcome: outcome.outcome, reason: outcome.reason } }),
  };
}

/** Results: totals, ballots and digest only once the outcome is written; before that, turnout alone. */
export function presentResults(results: PublishedResults): z.infer<typeof resultsSchema> {
  const { view, finalisesAt, ballots, participation, enactment } = results;
  const transition = view.transition!;
  const outcome = view.outcome;
  return {
    proposalId: view.proposal._id,
    status: view.status,
    electorate: transition.electorate!,
    turnout: view.turnout ?? 0,
    closesAt: transition.closesAt!.toISOString(),
    finalisesAt: finalisesAt!.toISOString(),
    result:
      outcome && ballots
        ? {
            outcome: outcome.outcome,
            reason: outcome.reason,
            totals: outcome.totals,
            ballots,
            ballotListDigest: outcome.ballotListDigest,
            participation,
            finalisedAt: outcome.finalisedAt.toISOString(),
            enactment: presentEnactment(enactment),
          }
        : null,
  };
}

/** Whether an approved motion took effect: only the flag and the reason code. */
export function presentEnactment(enactment: Enactment): z.infer<typeof enactmentSchema> {
  if (!enactment) return null;
  return enactment.enacted ? { enacted: true } : { enacted: false, reason: enactment.reason };
}

/** A member's receipt for the ballot just cast or changed. */
export function presentBallotReceipt(receipt: BallotReceipt): z.infer<typeof ballotReceiptSchema> {
  return {
    proposalId: receipt.proposalId,
    receipt: receipt.receipt,
    choice: receipt.choice,
    changed: receipt.changed,
  };
}

/** A member's pending votes with their deadlines. */
export function presentPendingVotes(votes: PendingVote[]): z.infer<typeof pendingVotesSchema> {
  return {
    votes: votes.map(({ view, reminderDue }) => ({
      proposal: presentProposal(view),
      closesAt: view.transition!.closesAt!.toISOString(),
      reminderDue,
    })),
  };
}

/** A reminder summary: a count, never names or choices. */
export function presentReminders(summary: ReminderSummary): z.infer<typeof remindersSchema> {
  return {
    proposalId: summary.proposalId,
    due: summary.due,
    remindFrom: summary.remindFrom.toISOString(),
    closesAt: summary.closesAt.toISOString(),
    membersToRemind: summary.membersToRemind,
  };
}

/** The bylaws in force and the list of versions. */
export function presentBylaws(inForce: BylawsVersionInfo, versions: BylawsVersionInfo[]): z.infer<typeof bylawsSchema> {
  const summary = (info: BylawsVersionInfo) => ({
    version: info.bylaws.version,
    adoptedAt: info.bylaws.adoptedAt,
    digest: info.digest,
    adoptedByProposal: info.adoptedByProposal,
  });
  return {
    inForce: { ...summary(inForce), bylaws: inForce.bylaws as unknown as Record<string, unknown> },
    versions: versions.map(summary),
  };
}
