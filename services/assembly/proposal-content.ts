// Checking what a proposal carries and what it targets, shared by drafting, editing and opening: a motion reaches
// the ballot only if it could be enacted now — an access policy valid under the bylaws in force (privacy bounds,
// known categories and statistics) with time left to run after the vote, a revocation of an active policy, an
// amendment that yields valid bylaws.
import { randomUUID } from 'node:crypto';
import { parseBylawsAmendment } from '../../policies/assembly/bylaws-amendment.js';
import { InvalidBylawsError, type ProposalKind } from '../../policies/assembly/bylaws.js';
import { parseAccessPolicy } from '../../policies/research/access-policy.js';
import { isActiveAt } from '../../policies/research/policy-enactment.js';
import type { Problem } from '../../policies/shared/problem.js';
import { AppError, InvalidRequest } from '../errors.js';
import type { FinalisationStores, ProposalContent } from './assembly.model.js';
import type { DraftInput } from './assembly.model.js';
import { bylawsInForce } from './bylaws-versions.js';
import { policyEnactments } from './enactment.js';
import { FINALISATION_GRACE_MS } from './finalisation.js';

/** Target key of amendments: one amendment of the bylaws is under vote at a time. */
const BYLAWS_TARGET = 'bylaws';

/** The target key a proposal occupies while open; two proposals on one target are never open together. */
export function targetOf(input: DraftInput): string {
  if (input.kind === 'amend-bylaws') return BYLAWS_TARGET;
  if (input.kind === 'revoke-policy') {
    if (!input.targetPolicyId) {
      throw new InvalidRequest('validation_failed', 'A revocation names the policy it revokes.', [
        { field: 'targetPolicyId', code: 'required', message: 'Name the policy to revoke.' },
      ]);
    }
    return input.targetPolicyId;
  }
  // An access policy targets its own id (the policy it creates or replaces); checkContent refuses a mismatch.
  const id = input.policy?.id;
  return input.targetPolicyId ?? (typeof id === 'string' ? id : randomUUID());
}

/** Where a motion is being checked: its target, and the deadline when it is being opened. */
export interface MotionContext {
  targetKey: string;
  /** Opening only: the vote's deadline, after which the motion must still be enactable. */
  closesAt?: Date;
}

/**
 * Keeps only the fields the kind allows and checks that the motion could be enacted under the bylaws in force
 * and the state at `now`: 400 `validation_failed` listing every problem, or 409 when the target is not active.
 */
export async function checkContent(
  deps: FinalisationStores,
  kind: ProposalKind,
  input: ProposalContent,
  motion: MotionContext,
  now: Date,
): Promise<ProposalContent> {
  const content: ProposalContent = { title: input.title, summary: input.summary };
  const details: Problem[] = [];
  if (kind === 'access-policy') {
    if (!input.policy) details.push({ field: 'policy', code: 'required', message: 'Describe the policy.' });
    else {
      details.push(...(await accessPolicyProblems(deps, input.policy, motion, now)));
      content.policy = input.policy;
    }
  } else if (input.policy !== undefined) {
    details.push({ field: 'policy', code: 'not_allowed', message: 'Only access-policy proposals carry a policy.' });
  }
  if (kind === 'amend-bylaws') {
    if (!input.amendment) {
      details.push({ field: 'amendment', code: 'required', message: 'Give the amendment.' });
    } else {
      try {
        parseBylawsAmendment((await bylawsInForce(deps, now)).bylaws, input.amendment);
        content.amendment = input.amendment;
      } catch (error) {
        if (!(error instanceof InvalidBylawsError)) throw error;
        for (const problem of error.problems) {
          details.push({ field: 'amendment', code: 'invalid_amendment', message: problem });
        }
      }
    }
  } else if (input.amendment !== undefined) {
    details.push({
      field: 'amendment',
      code: 'not_allowed',
      message: 'Only amend-bylaws proposals carry an amendment.',
    });
  }
  if (details.length > 0) throw new InvalidRequest('validation_failed', 'The proposal is not valid.', details);
  if (kind === 'revoke-policy') await refuseUnlessActive(deps, motion.targetKey, now);
  return content;
}

/** An access policy's problems under the bylaws in force, with its field paths under `policy.`. */
async function accessPolicyProblems(
  deps: FinalisationStores,
  json: Record<string, unknown>,
  motion: MotionContext,
  now: Date,
): Promise<Problem[]> {
  const parsed = parseAccessPolicy(json, (await bylawsInForce(deps, now)).bylaws);
  const under = (problem: Problem): Problem => ({
    ...problem,
    field: problem.field === '' ? 'policy' : `policy.${problem.field}`,
  });
  if (!parsed.ok) return parsed.problems.map(under);
  const { policy } = parsed;
  const problems: Problem[] = [];
  if (policy.id !== motion.targetKey) {
    problems.push({ field: 'policy.id', code: 'policy_id_mismatch', message: 'The policy id must be the target.' });
  }
  // The policy takes effect when the count is final; it must still have time to run then.
  const effectiveAt = motion.closesAt ? motion.closesAt.getTime() + FINALISATION_GRACE_MS : now.getTime();
  if (Date.parse(policy.validUntil) <= effectiveAt) {
    problems.push({
      field: 'policy.validUntil',
      code: motion.closesAt ? 'expires_before_enactment' : 'validity_ended',
      message: motion.closesAt
        ? 'The policy would have expired by the time the vote is counted.'
        : 'validUntil must be in the future.',
    });
  }
  const current = (await policyEnactments(deps, now, policy.id)).policies.get(policy.id);
  if (current && policy.version <= current.policy.version) {
    problems.push({
      field: 'policy.version',
      code: 'version_not_newer',
      message: `A replacement must have a version above ${current.policy.version}.`,
    });
  }
  return problems;
}

/** A revocation is only of a policy in force now (409 otherwise: the state, not the request, is in the way). */
async function refuseUnlessActive(deps: FinalisationStores, policyId: string, now: Date): Promise<void> {
  const enacted = (await policyEnactments(deps, now, policyId)).policies.get(policyId);
  if (enacted && isActiveAt(enacted, now.getTime())) return;
  const message = 'Only an active access policy can be revoked.';
  throw new AppError(409, 'policy_not_active', message, [
    { field: 'targetPolicyId', code: 'policy_not_active', message },
  ]);
}
