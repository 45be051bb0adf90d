// A verified researcher files an access request; it must already make a valid policy under the bylaws in force.
import { randomUUID } from 'node:crypto';
import { type AccessPolicy, parseAccessPolicy } from '../../policies/research/access-policy.js';
import { isNotForProfitUse } from '../../policies/research/duo.js';
import type { Assembly } from '../assembly/index.js';
import type { Actor } from '../auth/index.js';
import { Forbidden, InvalidRequest } from '../errors.js';
import type { MemberDirectory } from '../members/index.js';
import type { ResearchAudit } from './decision-gate.js';
import type { RequestStore } from './request-store.js';
import type { ResearchRequestDocument, ResearchRequestInput } from './research.model.js';

export interface FileRequestDeps {
  requests: RequestStore;
  assembly: Pick<Assembly, 'bylawsInForce'>;
  members: Pick<MemberDirectory, 'researcherIsNonProfit'>;
  audit: ResearchAudit;
}

/** A verified researcher files an access request; it must make a valid policy under the bylaws in force. */
export async function fileRequest(
  deps: FileRequestDeps,
  actor: Actor,
  input: ResearchRequestInput,
  now: Date,
): Promise<ResearchRequestDocument> {
  if (!actor.researcherVerified) throw new Forbidden('researcher_not_verified', 'A steward must verify you first.');
  const policy = await policyFromRequest(deps.assembly, 'pending', actor.userId, input, now);
  // A not-for-profit use (DUO NPU, NPUNCU) is only credible from an organisation a steward verified as non-profit.
  if (isNotForProfitUse(policy.duo) && !(await deps.members.researcherIsNonProfit(actor.userId))) {
    throw new Forbidden('organisation_not_non_profit', 'Your organisation is not verified as non-profit (DUO NPU).');
  }
  const document: ResearchRequestDocument = {
    _id: randomUUID(),
    researcherId: actor.userId,
    request: input,
    createdAt: now,
  };
  await deps.requests.insert(document);
  await deps.audit.append('research.request.filed', actor.userId, { requestId: document._id }, now);
  return document;
}

/** The request as a policy under the bylaws in force, so a request the assembly could never approve fails early. */
export async function policyFromRequest(
  assembly: Pick<Assembly, 'bylawsInForce'>,
  policyId: string,
  grantee: string,
  input: ResearchRequestInput,
  now: Date,
): Promise<AccessPolicy> {
  const bylaws = (await assembly.bylawsInForce(now)).bylaws;
  const candidate = {
    id: policyId,
    version: 1,
    grantee,
    purpose: input.purpose,
    duo: input.duo,
    ...(input.ethicsApproval !== undefined && { ethicsApproval: input.ethicsApproval }),
    categories: input.categories,
    level: input.level,
    statistics: input.statistics,
    groupBy: input.groupBy,
    period: input.period,
    validUntil: input.validUntil,
    epsilonBudget: input.epsilon,
    minCellSize: input.minCellSize ?? bylaws.privacy.minCellSize,
    ...(input.deidentification !== undefined && { deidentification: input.deidentification }),
  };
  const parsed = parseAccessPolicy(JSON.parse(JSON.stringify(candidate)), bylaws);
  if (!parsed.ok)
    throw new InvalidRequest('invalid_request', 'The request does not make a valid policy.', [...parsed.problems]);
  if (Date.parse(parsed.policy.validUntil) <= now.getTime()) {
    throw new InvalidRequest('invalid_request', 'validUntil must be in the future.', [
      { field: 'validUntil', code: 'in_the_past', message: 'validUntil must be in the future.' },
    ]);
  }
  return parsed.policy;
}
