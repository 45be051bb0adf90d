import { type Instant, toEpochMs, toOptionalEpochMs } from '../shared/instant.js';

export type PolicyStatus = 'active' | 'expired' | 'revoked' | 'superseded';

// The stored facts of an approved access policy; like proposals, its status is derived, never stored.
export interface PolicyTimeline {
  /** First instant at which the policy no longer allows anything (exclusive end of validity). */
  readonly validUntil: Instant;
  readonly revokedAt?: Instant | null;
  readonly supersededAt?: Instant | null;
}

// Status of an approved policy at `now`. When several endings have happened, the earliest one is the
// true story of how the policy ended (a revocation after expiry changes nothing); at the same instant
// revoked wins over superseded, which wins over expired, as the more deliberate act of the assembly.
export function policyStatus(policy: PolicyTimeline, now: Instant): PolicyStatus {
  const nowMs = toEpochMs(now, 'now');
  const endings: [PolicyStatus, number | null][] = [
    ['revoked', toOptionalEpochMs(policy.revokedAt, 'revokedAt')],
    ['superseded', toOptionalEpochMs(policy.supersededAt, 'supersededAt')],
    ['expired', toEpochMs(policy.validUntil, 'validUntil')],
  ];
  let status: PolicyStatus = 'active';
  let endedAt = Infinity;
  for (const [ending, at] of endings) {
    if (at !== null && at <= nowMs && at < endedAt) {
      status = ending;
      endedAt = at;
    }
  }
  return status;
}

// Whether a policy may still allow research access at `now` (one half of the double key).
export function isPolicyActive(policy: PolicyTimeline, now: Instant): boolean {
  return policyStatus(policy, now) === 'active';
}
