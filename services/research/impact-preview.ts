// The impact preview of a policy: how many members' data each category would cover now, never who.
import { type AccessPolicy, parseAccessPolicy } from '../../policies/research/access-policy.js';
import { memberIncluded } from '../../policies/research/consent.js';
import type { Assembly } from '../assembly/index.js';
import { InvalidRequest } from '../errors.js';
import { chunkRefsIn, type CohortDeps, readCohort } from './cohort.js';

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

/** How many members' data each category of `policy` would cover now, and whether cells can reach minCellSize. */
export async function impact(cohortDeps: CohortDeps, policy: AccessPolicy, now: Date): Promise<ImpactPreview> {
  // Directories only: counting members with data needs no chunk.
  const cohort = await readCohort(cohortDeps);
  const from = new Date(policy.period.from);
  const to = new Date(policy.period.to);
  const categories: CategoryImpact[] = [];
  for (const category of policy.categories) {
    const included = cohort.members.filter((m) => memberIncluded(m.history, policy, category, now).included);
    const withData = chunkRefsIn(cohort, included, category, from, to).size;
    categories.push({ category, members: withData, minCellSizeMet: withData >= policy.minCellSize });
  }
  return { policyId: policy.id, at: now, minCellSize: policy.minCellSize, categories };
}

/** The impact preview of an access-policy proposal as of now: counts per category, never who. */
export async function proposalImpact(
  deps: { assembly: Pick<Assembly, 'get'>; cohort: CohortDeps },
  proposalId: string,
  viewer: 'steward' | 'member' | 'researcher',
  now: Date,
): Promise<ImpactPreview> {
  const view = await deps.assembly.get(proposalId, now, viewer);
  const content = view.transition?.content ?? view.proposal.content;
  const parsed = parseAccessPolicy(content.policy);
  if (view.proposal.kind !== 'access-policy' || !parsed.ok) {
    throw new InvalidRequest('not_an_access_policy', 'This proposal carries no valid access policy.');
  }
  return impact(deps.cohort, parsed.policy, now);
}
