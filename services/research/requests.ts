// Access requests and their road to the assembly: a researcher files, a steward proposes (once), and anyone who
// may see the proposal gets its impact preview — how many members each category would cover, never who.
import { randomUUID } from 'node:crypto';
import { type AccessPolicy, parseAccessPolicy } from '../../policies/research/access-policy.js';
import { memberIncluded } from '../../policies/research/consent.js';
import { isNotForProfitUse } from '../../policies/research/duo.js';
import type { ProposalView } from '../assembly/index.js';
import { claimOnce } from '../db/claims.js';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '../errors.js';
import type { Actor } from '../auth/actor.js';
import { userModel } from '../members/user.model.js';
import type { ResearchContext } from './research-context.js';

/** What a researcher files; becomes the policy the assembly votes on. */
export interface ResearchRequestInput {
  title: string;
  purpose: string;
  duo: { permission: string; modifiers: string[]; disease?: string | undefined };
  categories: string[];
  level: string;
  statistics: string[];
  groupBy: string[];
  period: { from: string; to: string };
  validUntil: string;
  epsilon: number;
  ethicsApproval?: string | undefined;
  minCellSize?: number | undefined;
  deidentification?: { dateTruncation?: string | undefined; profileFields?: string[] | undefined } | undefined;
}

export interface ResearchRequestDocument {
  _id: string;
  researcherId: string;
  request: ResearchRequestInput;
  createdAt: Date;
  proposalId?: string;
  policyId?: string;
  proposedAt?: Date;
}

export interface CategoryImpact {
  category: string;
  /** Members whose current consent would include them and who hold data in the period. */
  members: number;
  minCellSizeMet: boolean;
}

export interface ImpactPreview {
  policyId: string;
  at: Date;
  minCellSize: number;
  categories: CategoryImpact[];
}

/** A verified researcher files an access request; it must make a valid policy under the bylaws in force. */
export async function fileRequest(
  ctx: ResearchContext,
  actor: Actor,
  input: ResearchRequestInput,
  now: Date,
): Promise<ResearchRequestDocument> {
  if (!actor.researcherVerified) throw new Forbidden('researcher_not_verified', 'A steward must verify you first.');
  const policy = await policyFromRequest(ctx, 'pending', actor.userId, input, now);
  // A not-for-profit use (DUO NPU, NPUNCU) is only credible from an organisation a steward verified as non-profit.
  if (isNotForProfitUse(policy.duo)) {
    const user = await userModel(ctx.deps.connection).findById(actor.userId, { researcher: 1 }).lean();
    if (user?.researcher?.nonProfit !== true) {
      throw new Forbidden('organisation_not_non_profit', 'Your organisation is not verified as non-profit (DUO NPU).');
    }
  }
  const document: ResearchRequestDocument = {
    _id: randomUUID(),
    researcherId: actor.userId,
    request: input,
    createdAt: now,
  };
  await ctx.requests.insertOne(document);
  await ctx.deps.audit.append('research.request.filed', actor.userId, { requestId: document._id }, now);
  return document;
}

/** Requests: a researcher sees their own, a steward sees all. */
export async function listRequests(ctx: ResearchContext, actor: Actor): Promise<ResearchRequestDocument[]> {
  const filter = actor.role === 'steward' ? {} : { researcherId: actor.userId };
  return ctx.requests.find(filter).sort({ createdAt: -1 }).limit(500).toArray();
}

/** One request; another researcher's is 404. */
export async function getRequest(ctx: ResearchContext, actor: Actor, id: string): Promise<ResearchRequestDocument> {
  const document = await ctx.requests.findOne({ _id: id });
  if (!document || (actor.role !== 'steward' && document.researcherId !== actor.userId)) throw new NotFound();
  return document;
}

/** A steward turns a request into an access-policy draft (once), with the impact preview of its policy. */
export async function proposeRequest(
  ctx: ResearchContext,
  id: string,
  stewardId: string,
  now: Date,
): Promise<{ proposal: ProposalView; impact: ImpactPreview }> {
  const document = await ctx.requests.findOne({ _id: id });
  if (!document) throw new NotFound();
  const policyId = randomUUID();
  const policy = await policyFromRequest(ctx, policyId, document.researcherId, document.request, now);
  if (!(await claimOnce(ctx.claims, `research-request:${id}`, { at: now }))) {
    throw new Conflict('request_already_proposed', 'This request has already been turned into a proposal.');
  }
  let proposal: ProposalView;
  try {
    proposal = await ctx.deps.assembly.createDraft(
      {
        kind: 'access-policy',
        title: document.request.title,
        summary: document.request.purpose,
        targetPolicyId: policyId,
        policy: policy as unknown as Record<string, unknown>,
      },
      stewardId,
      now,
    );
  } catch (error) {
    await ctx.claims.deleteOne({ _id: `research-request:${id}` as never }).catch(() => {});
    throw error;
  }
  await ctx.requests.updateOne({ _id: id }, { $set: { proposalId: proposal.proposal._id, policyId, proposedAt: now } });
  await ctx.deps.audit.append(
    'research.request.proposed',
    stewardId,
    { requestId: id, proposalId: proposal.proposal._id, policyId },
    now,
  );
  return { proposal, impact: await impact(ctx, policy, now) };
}

/** The impact preview of an access-policy proposal as of now: counts per category, never who. */
export async function proposalImpact(
  ctx: ResearchContext,
  proposalId: string,
  viewer: 'steward' | 'member' | 'researcher',
  now: Date,
): Promise<ImpactPreview> {
  const view = await ctx.deps.assembly.get(proposalId, now, viewer);
  const content = view.transition?.content ?? view.proposal.content;
  const parsed = parseAccessPolicy(content.policy);
  if (view.proposal.kind !== 'access-policy' || !parsed.ok) {
    throw new InvalidRequest('not_an_access_policy', 'This proposal carries no valid access policy.');
  }
  return impact(ctx, parsed.policy, now);
}

/** How many members' data each category of `policy` would cover now, and whether cells can reach minCellSize. */
export async function impact(ctx: ResearchContext, policy: AccessPolicy, now: Date): Promise<ImpactPreview> {
  const members = await ctx.cohort.members();
  const from = new Date(policy.period.from);
  const to = new Date(policy.period.to);
  const categories: CategoryImpact[] = [];
  for (const category of policy.categories) {
    const included = members.filter((m) => memberIncluded(m.history, policy, category, now).included);
    const withData = (await ctx.cohort.chunkRefs(included, category, from, to)).size;
    categories.push({ category, members: withData, minCellSizeMet: withData >= policy.minCellSize });
  }
  return { policyId: policy.id, at: now, minCellSize: policy.minCellSize, categories };
}

/** The request as a policy under the bylaws in force, so a request the assembly could never approve fails early. */
async function policyFromRequest(
  ctx: ResearchContext,
  policyId: string,
  grantee: string,
  input: ResearchRequestInput,
  now: Date,
): Promise<AccessPolicy> {
  const bylaws = (await ctx.deps.assembly.bylawsInForce(now)).bylaws;
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
