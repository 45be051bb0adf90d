import type { VotingWindow } from './bylaws.js';
import { type Instant, MS_PER_HOUR, toEpochMs, toOptionalEpochMs } from '../shared/instant.js';

export type ProposalStatus = 'draft' | 'announced' | 'open' | 'closed' | 'approved' | 'rejected' | 'withdrawn';
export type FinalOutcome = 'approved' | 'rejected';

// The stored facts from which a proposal's status is derived; the status itself is never stored.
export interface ProposalTimeline {
  readonly openedAt?: Instant | null;
  readonly closesAt?: Instant | null;
  readonly withdrawnAt?: Instant | null;
  /** Announced for discussion: still editable by stewards, now visible to members (deliberation). */
  readonly announcedAt?: Instant | null;
  /** Written once by whichever service instance finalises first. */
  readonly outcome?: FinalOutcome | null;
}

// Either the action is allowed, or a stable reason code the service turns into a 4xx error.
export type Check<Reason extends string> = { readonly ok: true } | { readonly ok: false; readonly reason: Reason };

const allowed = { ok: true } as const;
const refuse = <Reason extends string>(reason: Reason): Check<Reason> => ({ ok: false, reason });

// Status at `now`. A proposal closes at closesAt by the clock alone, whether or not a finalising job ran;
// voting is open on [openedAt, closesAt).
export function proposalStatus(proposal: ProposalTimeline, now: Instant): ProposalStatus {
  const nowMs = toEpochMs(now, 'now');
  const openedAt = toOptionalEpochMs(proposal.openedAt, 'openedAt');
  const closesAt = toOptionalEpochMs(proposal.closesAt, 'closesAt');
  if (openedAt === null) {
    if (proposal.outcome) throw new Error('a proposal that never opened cannot have an outcome');
    if (proposal.withdrawnAt !== null && proposal.withdrawnAt !== undefined) return 'withdrawn';
    return proposal.announcedAt === null || proposal.announcedAt === undefined ? 'draft' : 'announced';
  }
  if (proposal.withdrawnAt !== null && proposal.withdrawnAt !== undefined) {
    throw new Error('an opened proposal cannot have been withdrawn');
  }
  if (closesAt === null) throw new Error('an open proposal must have closesAt');
  // A stored outcome is final even if this instance's clock lags the one that wrote it.
  if (proposal.outcome) return proposal.outcome;
  return nowMs < closesAt ? 'open' : 'closed';
}

// Checks a voting window against the bounds of the proposal's kind (both bounds inclusive).
export function validateVotingWindow(
  rules: { readonly votingWindow: VotingWindow },
  opensAt: Instant,
  closesAt: Instant,
): Check<'window_too_short' | 'window_too_long'> {
  const length = toEpochMs(closesAt, 'closesAt') - toEpochMs(opensAt, 'opensAt');
  if (length < rules.votingWindow.minHours * MS_PER_HOUR) return refuse('window_too_short');
  if (length > rules.votingWindow.maxHours * MS_PER_HOUR) return refuse('window_too_long');
  return allowed;
}

// Checks a deadline change: only while open, only later, and never beyond the kind's maximum window.
// Shortening is refused because members may have planned to vote in the time they were promised.
export function validateDeadlineExtension(
  proposal: ProposalTimeline,
  rules: { readonly votingWindow: VotingWindow },
  newClosesAt: Instant,
  now: Instant,
): Check<'proposal_not_open' | 'deadline_not_later' | 'window_too_long'> {
  const times = openTimes(proposal, now);
  if (!times) return refuse('proposal_not_open');
  const next = toEpochMs(newClosesAt, 'newClosesAt');
  if (next <= times.closesAt) return refuse('deadline_not_later');
  const window = validateVotingWindow(rules, times.openedAt, next);
  return window.ok ? allowed : refuse('window_too_long');
}

// Content may be edited only before opening (in draft or under discussion): once open, members vote on exactly
// what was frozen at opening.
export function validateEdit(proposal: ProposalTimeline, now: Instant): Check<'proposal_not_draft'> {
  const status = proposalStatus(proposal, now);
  return status === 'draft' || status === 'announced' ? allowed : refuse('proposal_not_draft');
}

// A draft may be announced for discussion once; announcing again, or after opening, is refused.
export function validateAnnouncement(
  proposal: ProposalTimeline,
  now: Instant,
): Check<'proposal_not_draft' | 'already_announced'> {
  const status = proposalStatus(proposal, now);
  if (status === 'announced') return refuse('already_announced');
  return status === 'draft' ? allowed : refuse('proposal_not_draft');
}

// Opening must wait for the bylaws' minimum discussion period, counted from the announcement (none when absent).
export function validateDiscussionPeriod(
  proposal: ProposalTimeline,
  minDiscussionHours: number,
  now: Instant,
): Check<'discussion_required' | 'discussion_period_not_over'> {
  if (minDiscussionHours <= 0) return allowed;
  const announcedAt = toOptionalEpochMs(proposal.announcedAt, 'announcedAt');
  if (announcedAt === null) return refuse('discussion_required');
  const endsAt = announcedAt + minDiscussionHours * MS_PER_HOUR;
  return toEpochMs(now, 'now') >= endsAt ? allowed : refuse('discussion_period_not_over');
}

// A proposal may be withdrawn only in draft; once open, only the assembly can end it, by voting.
export function validateWithdrawal(proposal: ProposalTimeline, now: Instant): Check<'proposal_not_draft'> {
  return validateEdit(proposal, now);
}

// Opening is allowed from draft only; the window is checked separately against the frozen rules.
export function validateOpening(proposal: ProposalTimeline, now: Instant): Check<'proposal_not_draft'> {
  return validateEdit(proposal, now);
}

// Ballots are accepted only while open; `voting_closed` lets the client say "too late" rather than "not yet".
export function validateBallotTiming(
  proposal: ProposalTimeline,
  now: Instant,
): Check<'proposal_not_open' | 'voting_closed'> {
  const status = proposalStatus(proposal, now);
  if (status === 'open') return allowed;
  const before = status === 'draft' || status === 'announced' || status === 'withdrawn';
  return refuse(before ? 'proposal_not_open' : 'voting_closed');
}

// Whether the deadline is near enough that members who have not voted should be reminded.
export function isReminderDue(proposal: ProposalTimeline, reminderLeadHours: number, now: Instant): boolean {
  const times = openTimes(proposal, now);
  return times !== null && times.closesAt - toEpochMs(now, 'now') <= reminderLeadHours * MS_PER_HOUR;
}

// Whether a proposal is ready to be finalised: closed by the clock and no outcome stored yet.
export function needsFinalising(proposal: ProposalTimeline, now: Instant): boolean {
  return proposalStatus(proposal, now) === 'closed';
}

function openTimes(proposal: ProposalTimeline, now: Instant): { openedAt: number; closesAt: number } | null {
  if (proposalStatus(proposal, now) !== 'open') return null;
  // proposalStatus has already refused an open proposal without these two instants.
  return { openedAt: toEpochMs(proposal.openedAt ?? NaN), closesAt: toEpochMs(proposal.closesAt ?? NaN) };
}
