// The policy engine (spec §2.2, §6): one pure function decides every research request against one approved
// policy. Deny by default: anything malformed, unknown or unexpected is a denial with a stable reason code.
// The member's own consent is the second key, applied per member afterwards (consent.ts).
import { type AccessLevel, type AccessPolicy, policyBudgetMicro, toMicroEpsilon } from './access-policy.js';
import { type Instant, toEpochMs } from '../shared/instant.js';
import type { PolicyStatus } from './policy-status.js';
import { DEFAULT_QUERY_SHARE } from './micro-epsilon.js';
import { alignPeriod } from './query-period.js';

export interface AccessRequest {
  readonly researcherId: string;
  readonly policyId: string;
  readonly category: string;
  /** Ignored for a pseudonymised export (it releases records, not a statistic). */
  readonly statistic?: string;
  readonly groupBy?: readonly string[];
  /** Optional narrowing of the data period, ISO 8601 UTC; defaults to the policy's period. */
  readonly from?: string;
  readonly to?: string;
  /** ε to spend on this query; defaults to DEFAULT_QUERY_SHARE of the policy's total budget. */
  readonly epsilon?: number;
  /** `aggregate` (a query, the default) or `pseudonymised` (a record-level export). */
  readonly level?: AccessLevel;
}

export interface DecisionContext {
  readonly now: Instant;
  /** From policyStatus(timeline, now); anything but `active` denies. */
  readonly policyStatus: PolicyStatus;
  readonly researcherVerified: boolean;
  /** What is left of the policy's budget, in micro-ε. */
  readonly budgetRemainingMicro: number;
}

export const denyReasons = [
  'invalid_request',
  'researcher_not_verified',
  'not_grantee',
  'policy_mismatch',
  'policy_revoked',
  'policy_expired',
  'policy_not_active',
  'level_not_allowed',
  'category_not_allowed',
  'statistic_not_allowed',
  'group_by_not_allowed',
  'period_outside_policy',
  'invalid_epsilon',
  'budget_exhausted',
] as const;
export type DenyReason = (typeof denyReasons)[number];

export type Decision =
  | {
      readonly decision: 'allow';
      readonly reason: 'allowed';
      readonly policyVersion: number;
      /** ε to debit, in micro-ε (0 for an export, which releases no noisy statistic). */
      readonly epsilonMicro: number;
      /** The data period the answer covers, [from, to). */
      readonly period: { readonly from: string; readonly to: string };
    }
  | { readonly decision: 'deny'; readonly reason: DenyReason; readonly policyVersion: number | null };

/** A query that names no ε spends this share of the policy's budget (policies/research/micro-epsilon.ts). */
export { DEFAULT_QUERY_SHARE };

// Decides one request. Checks run from who asks to what is asked, so a stranger learns nothing about a
// policy they are not the grantee of (not even whether it expired); the first failing check is the reason.
export function decide(request: AccessRequest, policy: AccessPolicy, context: DecisionContext): Decision {
  const version = typeof policy?.version === 'number' ? policy.version : null;
  const deny = (reason: DenyReason): Decision => ({ decision: 'deny', reason, policyVersion: version });
  try {
    if (typeof request !== 'object' || request === null || typeof context !== 'object' || context === null) {
      return deny('invalid_request');
    }
    const nowMs = toEpochMs(context.now, 'now');
    if (context.researcherVerified !== true) return deny('researcher_not_verified');
    if (typeof request.researcherId !== 'string' || request.researcherId !== policy.grantee) {
      return deny('not_grantee');
    }
    if (request.policyId !== policy.id) return deny('policy_mismatch');
    if (context.policyStatus === 'revoked') return deny('policy_revoked');
    if (context.policyStatus === 'expired') return deny('policy_expired');
    if (context.policyStatus !== 'active') return deny('policy_not_active');
    // Defence in depth: the policy's own validUntil binds even if the caller computed the status wrongly.
    if (nowMs >= Date.parse(policy.validUntil) || Number.isNaN(Date.parse(policy.validUntil))) {
      return deny('policy_expired');
    }

    const level = request.level ?? 'aggregate';
    if (level !== 'aggregate' && level !== 'pseudonymised') return deny('invalid_request');
    if (level === 'pseudonymised' && policy.level !== 'pseudonymised') return deny('level_not_allowed');
    if (typeof request.category !== 'string' || !policy.categories.includes(request.category)) {
      return deny('category_not_allowed');
    }
    if (level === 'aggregate') {
      const { statistic } = request;
      if (typeof statistic !== 'string' || !(policy.statistics as readonly string[]).includes(statistic)) {
        return deny('statistic_not_allowed');
      }
      const groupBy = request.groupBy ?? [];
      if (!Array.isArray(groupBy)) return deny('invalid_request');
      if (new Set(groupBy).size !== groupBy.length) return deny('group_by_not_allowed');
      for (const dimension of groupBy as unknown[]) {
        if (typeof dimension !== 'string' || !(policy.groupBy as readonly string[]).includes(dimension)) {
          return deny('group_by_not_allowed');
        }
      }
    }

    const period = requestedPeriod(request, policy);
    if (period === 'invalid') return deny('invalid_request');
    if (period === 'outside') return deny('period_outside_policy');

    if (level === 'pseudonymised') {
      return { decision: 'allow', reason: 'allowed', policyVersion: policy.version, epsilonMicro: 0, period };
    }
    const remaining = context.budgetRemainingMicro;
    if (!Number.isSafeInteger(remaining)) return deny('invalid_request');
    let epsilonMicro: number | undefined;
    if (request.epsilon === undefined) {
      epsilonMicro = Math.floor(policyBudgetMicro(policy) / DEFAULT_QUERY_SHARE);
    } else {
      epsilonMicro = toMicroEpsilon(request.epsilon);
      if (epsilonMicro === undefined) return deny('invalid_epsilon');
    }
    // A mean spends half on the sum and half on the count: it needs at least two micro-ε.
    if (epsilonMicro < 2) return deny('invalid_epsilon');
    if (remaining <= 0 || epsilonMicro > remaining) return deny('budget_exhausted');
    return { decision: 'allow', reason: 'allowed', policyVersion: policy.version, epsilonMicro, period };
  } catch {
    return deny('invalid_request');
  }
}

// The request's period: it must be non-empty and lie inside the policy's; an aggregate's is then widened to whole
// units of the policy's date truncation, never beyond the policy's own period (see query-period.ts).
function requestedPeriod(
  request: AccessRequest,
  policy: AccessPolicy,
): { from: string; to: string } | 'invalid' | 'outside' {
  const from = request.from ?? policy.period.from;
  const to = request.to ?? policy.period.to;
  if (!isIsoInstant(from) || !isIsoInstant(to)) return 'invalid';
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (fromMs >= toMs) return 'outside';
  if (fromMs < Date.parse(policy.period.from) || toMs > Date.parse(policy.period.to)) return 'outside';
  // Aggregates cover whole units of the policy's date truncation (differencing by a few days is not possible).
  if ((request.level ?? 'aggregate') === 'aggregate') {
    return alignPeriod({ from, to }, policy.period, policy.deidentification?.dateTruncation ?? 'month');
  }
  return { from, to };
}

function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}
