import { type Instant, toEpochMs, toOptionalEpochMs } from '../shared/instant.js';

// A suspension lasts from `from` (inclusive) until `to` (exclusive); without `to` it has not ended.
export interface Suspension {
  readonly from: Instant;
  readonly to?: Instant | null;
}

export interface MembershipRecord {
  readonly joinedAt: Instant;
  /** The instant the member left (or was erased); from then on they are gone. */
  readonly leftAt?: Instant | null;
  readonly suspensions?: readonly Suspension[];
}

export type IneligibilityReason = 'joined_too_late' | 'suspended' | 'left';

// Why a member is not in the electorate of a proposal opened at `openedAt`, or null if they are.
// Membership must have begun strictly before opening, so nobody can join to swing a vote already announced.
export function ineligibilityReason(membership: MembershipRecord, openedAt: Instant): IneligibilityReason | null {
  const opened = toEpochMs(openedAt, 'openedAt');
  if (toEpochMs(membership.joinedAt, 'joinedAt') >= opened) return 'joined_too_late';
  if (hasLeftBy(membership, opened)) return 'left';
  if (isSuspendedAt(membership, opened)) return 'suspended';
  return null;
}

// Whether a member belongs to the electorate fixed when the proposal opened.
export function isEligible(membership: MembershipRecord, openedAt: Instant): boolean {
  return ineligibilityReason(membership, openedAt) === null;
}

// Whether a member of the electorate may cast or change a ballot at `now`: leaving or being suspended during
// the vote takes the right away while it lasts, but never changes the electorate size N fixed at opening.
export function ballotRefusalReason(
  membership: MembershipRecord,
  openedAt: Instant,
  now: Instant,
): IneligibilityReason | null {
  const atOpening = ineligibilityReason(membership, openedAt);
  if (atOpening) return atOpening;
  const at = toEpochMs(now, 'now');
  if (hasLeftBy(membership, at)) return 'left';
  if (isSuspendedAt(membership, at)) return 'suspended';
  return null;
}

// The electorate size N of a proposal opened at `openedAt`.
export function electorateSize(memberships: Iterable<MembershipRecord>, openedAt: Instant): number {
  let size = 0;
  for (const membership of memberships) if (isEligible(membership, openedAt)) size += 1;
  return size;
}

// Whether one of the member's suspensions covers the instant `at`.
export function isSuspendedAt(membership: MembershipRecord, at: Instant): boolean {
  const atMs = toEpochMs(at, 'at');
  return (membership.suspensions ?? []).some((suspension) => {
    const to = toOptionalEpochMs(suspension.to, 'suspension.to');
    return toEpochMs(suspension.from, 'suspension.from') <= atMs && (to === null || atMs < to);
  });
}

function hasLeftBy(membership: MembershipRecord, at: number): boolean {
  const leftAt = toOptionalEpochMs(membership.leftAt, 'leftAt');
  return leftAt !== null && leftAt <= at;
}
