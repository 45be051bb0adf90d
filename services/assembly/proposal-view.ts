// Reading proposals: one or many, with the status derived at `now` and due votes finalised on the way.
import type { ProposalKind } from '../../policies/assembly/bylaws.js';
import {
  type ProposalStatus,
  type ProposalTimeline,
  proposalStatus,
} from '../../policies/assembly/proposal-lifecycle.js';
import { NotFound } from '../errors.js';
import type {
  AssemblyStores,
  FinalisationStores,
  OutcomeDocument,
  ReadingStores,
  TransitionDocument,
} from './assembly.model.js';
import type { ProposalView, Viewer } from './assembly.model.js';
import { finaliseIfDue } from './finalisation.js';

/** Which proposals a list shows. */
export type ProposalFilter = 'open' | 'closed' | 'draft' | 'announced' | 'all';

/** One proposal with its status at `now`, finalising it first if its vote is over. */
export async function get(deps: ReadingStores, id: string, now: Date, viewer: Viewer): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  if (!mayView(view, viewer)) throw new NotFound();
  return view;
}

/** Proposals by status group, newest first; drafts and withdrawn ones are shown to stewards only. */
export async function list(
  deps: ReadingStores,
  filter: ProposalFilter,
  now: Date,
  viewer: Viewer,
): Promise<ProposalView[]> {
  const proposals = await deps.proposals.find({}).sort({ createdAt: -1 }).limit(500).toArray();
  const ids = proposals.map((p) => p._id);
  const [transitions, outcomes, announcements] = await Promise.all([
    deps.transitions.find({ _id: { $in: ids } }).toArray(),
    deps.outcomes.find({ _id: { $in: ids } }).toArray(),
    deps.announcements.find({ _id: { $in: ids } }).toArray(),
  ]);
  const announcementById = new Map(announcements.map((a) => [a._id, a]));
  const transitionById = new Map(transitions.map((t) => [t._id, t]));
  const outcomeById = new Map(outcomes.map((o) => [o._id, o]));
  const views: ProposalView[] = [];
  for (const proposal of proposals) {
    const transition = transitionById.get(proposal._id) ?? null;
    let outcome = outcomeById.get(proposal._id) ?? null;
    if (transition && !outcome) outcome = await finaliseIfDue(deps, transition, now);
    const announcement = announcementById.get(proposal._id) ?? null;
    const view = await complete(deps, { proposal, transition, outcome, announcement }, now);
    if (mayView(view, viewer) && inGroup(view.status, filter)) views.push(view);
  }
  return views;
}

/**
 * Opened access-policy and revoke-policy proposals (on one policy id, or all), each with its outcome once the
 * vote is over (finalising due ones first). The research service derives approved policies from these.
 */
export async function policyVotes(
  deps: FinalisationStores,
  now: Date,
  policyId?: string,
): Promise<{ transition: TransitionDocument; outcome: OutcomeDocument | null }[]> {
  const kinds: ProposalKind[] = ['access-policy', 'revoke-policy'];
  const filter = policyId === undefined ? { kind: { $in: kinds } } : { targetKey: policyId };
  const transitions = (await deps.transitions.find(filter).toArray()).filter(
    (t) => t.openedAt && kinds.includes(t.kind),
  );
  const outcomes = await deps.outcomes.find({ _id: { $in: transitions.map((t) => t._id) } }).toArray();
  const byId = new Map(outcomes.map((o) => [o._id, o]));
  return Promise.all(
    transitions.map(async (transition) => ({
      transition,
      outcome: byId.get(transition._id) ?? (await finaliseIfDue(deps, transition, now)),
    })),
  );
}

/** A proposal as every use case starts from it, regardless of viewer; finalises a due vote first. */
export async function readView(deps: ReadingStores, id: string, now: Date): Promise<ProposalView> {
  const [proposal, transition, storedOutcome, announcement] = await Promise.all([
    deps.proposals.findOne({ _id: id }),
    deps.transitions.findOne({ _id: id }),
    deps.outcomes.findOne({ _id: id }),
    deps.announcements.findOne({ _id: id }),
  ]);
  if (!proposal) throw new NotFound();
  const outcome = storedOutcome ?? (transition ? await finaliseIfDue(deps, transition, now) : null);
  return complete(deps, { proposal, transition, outcome, announcement }, now);
}

/** Adds the derived status and turnout to stored parts, so every path derives them the same way. */
export async function complete(
  deps: Pick<AssemblyStores, 'register'>,
  parts: Pick<ProposalView, 'proposal' | 'transition' | 'outcome' | 'announcement'>,
  now: Date,
): Promise<ProposalView> {
  const status = proposalStatus(timelineOf(parts), now);
  const turnout = parts.transition?.openedAt
    ? await deps.register.countDocuments({ proposalId: parts.proposal._id })
    : null;
  return { ...parts, status, turnout };
}

/** The stored dates and outcome in the shape the lifecycle policy decides on. */
export function timelineOf(
  parts: Pick<ProposalView, 'transition' | 'outcome'> & Partial<Pick<ProposalView, 'announcement'>>,
): ProposalTimeline {
  const { transition, outcome } = parts;
  return {
    announcedAt: parts.announcement?.announcedAt ?? null,
    openedAt: transition?.openedAt ?? null,
    closesAt: transition?.closesAt ?? null,
    withdrawnAt: transition?.withdrawnAt ?? null,
    outcome: outcome?.outcome ?? null,
  };
}

function mayView(view: ProposalView, viewer: Viewer): boolean {
  return viewer === 'steward' || (view.status !== 'draft' && view.status !== 'withdrawn');
}

function inGroup(status: ProposalStatus, filter: ProposalFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'open') return status === 'open';
  if (filter === 'announced') return status === 'announced';
  // Stewards' "before the vote" list: drafts and proposals under discussion, both still to be opened.
  if (filter === 'draft') return status === 'draft' || status === 'announced';
  return status === 'closed' || status === 'approved' || status === 'rejected';
}
