// Checking what a proposal carries and what it targets, shared by drafting, editing and opening.
import { randomUUID } from 'node:crypto';
import { parseBylawsAmendment } from '../../policies/assembly/bylaws-amendment.js';
import { InvalidBylawsError, type ProposalKind } from '../../policies/assembly/bylaws.js';
import { InvalidRequest } from '../errors.js';
import type { FinalisationStores, ProposalContent } from './assembly.model.js';
import type { DraftInput } from './assembly.model.js';
import { bylawsInForce } from './bylaws-versions.js';

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
  // An access policy targets the policy it would replace, or else a new policy id of its own.
  return input.targetPolicyId ?? randomUUID();
}

/** Keeps only the fields the kind allows and checks an amendment against the bylaws in force at `now`. */
export async function checkContent(
  deps: FinalisationStores,
  kind: ProposalKind,
  input: ProposalContent,
  now: Date,
): Promise<ProposalContent> {
  const content: ProposalContent = { title: input.title, summary: input.summary };
  const details = [];
  if (kind === 'access-policy') {
    if (!input.policy) details.push({ field: 'policy', code: 'required', message: 'Describe the policy.' });
    else content.policy = input.policy;
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
  return content;
}
