// What stands before any research read (spec §2): the decision under the policy, the audit entry of a decision —
// failing closed — and the refusal a denial is answered with.
import { policyBudgetMicro } from '../../policies/research/access-policy.js';
import { type AccessRequest, type Decision, decide } from '../../policies/research/decide.js';
import { decideWithoutPolicy, denialStatus } from '../../policies/research/research-lookup.js';
import type { Actor } from '../auth/index.js';
import { AppError } from '../errors.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { ApprovedPolicy } from './policy-registry.js';

/** Where research writes its audit entries. */
/** The actor of research's own unprompted acts in the audit log (key destruction, insight releases). */
export const SERVICE_ACTOR = 'service:research';

export interface ResearchAudit {
  append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number>;
}

/** The policy's verdict on a request, with the budget left; without an approved policy, the lookup's denial. */
export async function decideRequest(
  ledger: Pick<EpsilonLedger, 'remaining'>,
  actor: Actor,
  approved: ApprovedPolicy | null,
  request: AccessRequest,
  now: Date,
): Promise<Decision> {
  if (!approved) return decideWithoutPolicy(actor.researcherVerified);
  const remaining = await ledger.remaining(approved.policy.id, policyBudgetMicro(approved.policy));
  return decide(request, approved.policy, {
    now,
    policyStatus: approved.status,
    researcherVerified: actor.researcherVerified,
    budgetRemainingMicro: remaining,
  });
}

/** Writes a decision to the audit chain before anything is read, so every release has its entry. */
export async function auditDecision(
  audit: ResearchAudit,
  actor: Actor,
  subject: Record<string, unknown>,
  decision: Decision,
  now: Date,
) {
  await appendOrFail(
    audit,
    'research.decision',
    actor.userId,
    {
      ...subject,
      decision: decision.decision,
      reason: decision.reason,
      policyVersion: decision.policyVersion,
      ...(decision.decision === 'allow' && { epsilonMicro: decision.epsilonMicro, period: decision.period }),
    },
    now,
  );
}

/** Fail closed: if the decision cannot be written, nothing is released and the caller sees 503. */
export async function appendOrFail(
  audit: ResearchAudit,
  type: string,
  actor: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  try {
    await audit.append(type, actor, data, now);
  } catch {
    throw new AppError(
      503,
      'audit_unavailable',
      'The decision could not be recorded; nothing was released.',
      undefined,
      {
        'Retry-After': '5',
      },
    );
  }
}

/** The response to a denial: 400 for a malformed request, 409 for an exhausted budget, 403 otherwise. */
export function refusal(reason: string): AppError {
  const status = denialStatus(reason);
  return new AppError(status, reason, refusalMessages[reason] ?? 'The policy does not allow this request.');
}

/** Turns an allowed decision into a denial when a later check (ε per component, the ledger) refuses it. */
export function denyFrom(decision: Decision, reason: 'invalid_epsilon' | 'budget_exhausted'): Decision {
  return { decision: 'deny', reason, policyVersion: decision.policyVersion };
}

const refusalMessages: Record<string, string> = {
  budget_exhausted: 'The policy has not enough privacy budget left for this query.',
  researcher_not_verified: 'A steward must verify you first.',
  not_grantee: 'You are not the grantee of this policy.',
  policy_revoked: 'The assembly revoked this policy.',
  policy_expired: 'This policy has expired.',
  policy_not_active: 'There is no active policy with this id.',
};
