// The assembly's refusal messages and error helpers, so every use case words a refusal the same way.
import { Conflict, Forbidden } from '../errors.js';

const messages: Record<string, string> = {
  proposal_not_draft: 'The proposal is no longer a draft.',
  proposal_not_open: 'The proposal is not open for voting.',
  voting_closed: 'Voting on this proposal has closed.',
  window_too_short: 'The voting window is shorter than the bylaws allow.',
  window_too_long: 'The voting window is longer than the bylaws allow.',
  deadline_not_later: 'A deadline may only be moved later.',
  joined_too_late: 'Only members who joined before the vote opened may vote.',
  suspended: 'Your membership is suspended.',
  left: 'You are no longer a member.',
};

/** A member-readable message for a policy refusal reason; unknown reasons are shown as they are. */
export function describe(reason: string): string {
  return messages[reason] ?? reason;
}

/** The refusal when another proposal on the same target is open; raised from two places in opening. */
export function targetUnderVote() {
  return new Conflict('target_under_vote', 'Another proposal on the same policy is open for voting.');
}

/** The refusal for a missing or mismatched ballot secret; one wording so it reveals nothing about which. */
export const ballotSecretInvalid = () =>
  new Forbidden('ballot_secret_invalid', 'The ballot secret is missing or does not match your ballot.');

type ErrorClass = new (code: string, message: string) => Error;

/** Turns a policy check's refusal into the given error class, so callers choose the HTTP status. */
export function refuseUnless(check: { ok: true } | { ok: false; reason: string }, ErrorType: ErrorClass): void {
  if (!check.ok) throw new ErrorType(check.reason, describe(check.reason));
}
