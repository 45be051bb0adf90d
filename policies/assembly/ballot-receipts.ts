import type { PublicationRules } from './bylaws.js';
import { sha256Hex } from '../shared/canonical-digest.js';
import type { VoteCounts } from './tally.js';

// How secret ballots stay changeable without the server keeping a member→ballot link: the member's client
// draws a random 32-byte secret and keeps it; the ballot box stores only its receipt, sha256(secret). To
// change a ballot the client presents the secret again and the ballot with the matching receipt is replaced.
// After close the (receipt, choice) list is published, so each member finds their own receipt in it.
// This is secrecy at the application level: whoever operates the database and watches requests as they
// happen can still link them; it is not cryptographic protection against the operator.

export const ballotChoices = ['yes', 'no', 'abstain'] as const;
export type BallotChoice = (typeof ballotChoices)[number];

export interface PublishedBallot {
  readonly receipt: string;
  readonly choice: BallotChoice;
}

const hex64 = /^[0-9a-f]{64}$/;

// Tells whether a value is one of the three choices a ballot may carry.
export function isBallotChoice(value: unknown): value is BallotChoice {
  return typeof value === 'string' && (ballotChoices as readonly string[]).includes(value);
}

// Tells whether a value is a well-formed secret or receipt: 32 bytes as 64 lowercase hex digits.
export function isHex32(value: unknown): value is string {
  return typeof value === 'string' && hex64.test(value);
}

// The receipt of a ballot: lowercase hex SHA-256 of the secret's 32 raw bytes (not of its hex text), so that
// `printf %s "$SECRET" | xxd -r -p | sha256sum` recomputes it.
export function receiptFromSecret(secretHex: string): string {
  if (!isHex32(secretHex)) throw new Error('a receipt secret must be 64 lowercase hex digits');
  return sha256Hex(Buffer.from(secretHex, 'hex'));
}

// The published ballot list: validated and sorted by receipt, so its order says nothing of when anyone voted.
export function sortBallotList(list: readonly PublishedBallot[]): PublishedBallot[] {
  const sorted = list.map(({ receipt, choice }) => {
    if (!isHex32(receipt)) throw new Error(`invalid receipt in ballot list: ${String(receipt)}`);
    if (!isBallotChoice(choice)) throw new Error(`invalid choice in ballot list: ${String(choice)}`);
    return { receipt, choice };
  });
  // Plain code-unit comparison, not localeCompare: the order must not depend on anyone's locale.
  sorted.sort((a, b) => (a.receipt < b.receipt ? -1 : a.receipt > b.receipt ? 1 : 0));
  for (let i = 1; i < sorted.length; i += 1) {
    // Two ballots with one receipt would mean one secret counted twice.
    if (sorted[i]?.receipt === sorted[i - 1]?.receipt) throw new Error('duplicate receipt in ballot list');
  }
  return sorted;
}

// Canonical text of a ballot list: for each ballot in receipt order, one line `<receipt>:<choice>\n`
// (64 lowercase hex digits, a colon, yes|no|abstain, a line feed), UTF-8; an empty list is the empty string.
export function serialiseBallotList(list: readonly PublishedBallot[]): string {
  return sortBallotList(list)
    .map(({ receipt, choice }) => `${receipt}:${choice}\n`)
    .join('');
}

// Digest published with the results: lowercase hex SHA-256 of serialiseBallotList(list), which anyone can
// recompute with `sha256sum` over the lines above.
export function ballotListDigest(list: readonly PublishedBallot[]): string {
  return sha256Hex(serialiseBallotList(list));
}

// Counts a published ballot list, so anyone can check the announced totals against it.
export function tallyFromBallotList(list: readonly PublishedBallot[]): VoteCounts {
  const counts = { yes: 0, no: 0, abstain: 0 };
  for (const { choice } of sortBallotList(list)) counts[choice] += 1;
  return counts;
}

// Whether the participation register (who voted) may be published after close: with very few voters, who
// voted plus the published choices could reveal how each of them voted.
export function mayPublishParticipationList(voterCount: number, publication: PublicationRules): boolean {
  return voterCount >= publication.participationListMinVoters;
}
