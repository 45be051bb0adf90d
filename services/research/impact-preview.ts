// The impact preview of a policy: how many members' data each category would cover, released coarsely (bands from
// policies/research/impact-band.ts, never an exact count) and once per proposal and stage — the steward's preview
// of a draft, and the public snapshot taken at the first read past draft — then only read back (issue 18).
import { type AccessPolicy, parseAccessPolicy } from '../../policies/research/access-policy.js';
import { memberIncluded } from '../../policies/research/consent.js';
import { type CountBand, countBand } from '../../policies/research/impact-band.js';
import type { Assembly } from '../assembly/index.js';
import { InvalidRequest } from '../errors.js';
import { chunkRefsIn, type CohortDeps, readCohort } from './cohort.js';
import type { ImpactSnapshots } from './impact-snapshots.js';
import type { ImpactSnapshotDocument } from './research.model.js';

export interface CategoryImpact {
  category: string;
  /** Members whose consent would include them and who hold data in the period, as a coarse band. */
  members: CountBand;
}

export interface ImpactPreview {
  policyId: string;
  /** When the snapshot was taken; it is never recomputed. */
  at: Date;
  /** `draft`: the steward's preview before opening; `public`: the snapshot members see from opening on. */
  stage: ImpactSnapshotDocument['stage'];
  minCellSize: number;
  categories: CategoryImpact[];
}

/** Coarse bands of how many members' data each category of `policy` covers at `now`; exact counts stay here. */
export async function impact(
  cohortDeps: CohortDeps,
  policy: AccessPolicy,
  stage: ImpactPreview['stage'],
  now: Date,
): Promise<ImpactPreview> {
  // Directories only: counting members with data needs no chunk.
  const cohort = await readCohort(cohortDeps);
  const from = new Date(policy.period.from);
  const to = new Date(policy.period.to);
  const categories = await Promise.all(
    policy.categories.map(async (category) => {
      const included = cohort.members.filter((m) => memberIncluded(m.history, policy, category, now).included);
      const withData = (await chunkRefsIn(cohortDeps, included, { category, from, to })).size;
      return { category, members: countBand(withData, policy.minCellSize) };
    }),
  );
  return { policyId: policy.id, at: now, stage, minCellSize: policy.minCellSize, categories };
}

/** Stores the steward's draft preview of a new proposal once and returns the stored one. */
export async function snapshotImpact(
  deps: { cohort: CohortDeps; snapshots: ImpactSnapshots },
  proposalId: string,
  policy: AccessPolicy,
  stage: ImpactPreview['stage'],
  now: Date,
): Promise<ImpactPreview> {
  const existing = await deps.snapshots.find(proposalId, stage);
  if (existing) return fromSnapshot(existing);
  const preview = await impact(deps.cohort, policy, stage, now);
  const categories = preview.categories.map((c) => ({ category: c.category, ...c.members }));
  const snapshot = { ...preview, _id: `${proposalId}:${stage}`, proposalId, categories };
  return fromSnapshot(await deps.snapshots.keep(snapshot));
}

/** The impact preview of an access-policy proposal for members and stewards: its stored snapshot, taken once. */
export async function proposalImpact(
  deps: { assembly: Pick<Assembly, 'get'>; cohort: CohortDeps; snapshots: ImpactSnapshots },
  proposalId: string,
  viewer: 'steward' | 'member',
  now: Date,
): Promise<ImpactPreview> {
  const view = await deps.assembly.get(proposalId, now, viewer);
  const content = view.transition?.content ?? view.proposal.content;
  const parsed = parseAccessPolicy(content.policy);
  if (view.proposal.kind !== 'access-policy' || !parsed.ok) {
    throw new InvalidRequest('not_an_access_policy', 'This proposal carries no valid access policy.');
  }
  // Any status past draft (announced, open, closed, decided, withdrawn after opening) shares one public snapshot.
  const stage = view.status === 'draft' ? 'draft' : 'public';
  return snapshotImpact(deps, proposalId, parsed.policy, stage, now);
}

function fromSnapshot(snapshot: ImpactSnapshotDocument): ImpactPreview {
  return {
    policyId: snapshot.policyId,
    at: snapshot.at,
    stage: snapshot.stage,
    minCellSize: snapshot.minCellSize,
    categories: snapshot.categories.map((c) => ({
      category: c.category,
      members: { atLeast: c.atLeast, fewerThan: c.fewerThan },
    })),
  };
}
