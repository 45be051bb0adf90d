// Reading proposals: one or many, with the status derived at `now` and due votes finalised on the way.
import type { ProposalKind } from '../../policies/assembly/bylaws.js';
import {
  type ProposalStatus,
  type ProposalTimeline,
  proposalStatus,
} from '../../policies/assembly/proposal-lifecycle.js';
import { NotFound } from '../errors.js';
import type { AssemblyContext } from './assembly-context.js';
import type { OutcomeDocument, TransitionDocument } from './assembly.model.js';
import type { ProposalView, Viewer } from './assembly.types.js';
import { finaliseIfDue } from './finalisation.js';

/** One proposal with its status at `now`, finalising it first if its vote is over. */
export async function get(ctx: AssemblyContext, id: string, now: Date, viewer: Viewer): Promise<ProposalView> {
  const view = await readView(ctx, id, now);
  if (!mayView(view, viewer)) throw new NotFound();
  return view;
}

/** Proposals by status group, newest first; drafts and withdrawn ones are shown to stewards only. */
export async function list(
  ctx: AssemblyContext,
  filter: 'open' | 'closed' | 'draft' | 'all',
  now: Date,
  viewer: Viewer,
): Promise<ProposalView[]> {
  const proposals = await ctx.db.proposals.find({}).sort({ createdAt: -1 }).limit(500).toArray();
  const ids = proposals.map((p) => p._id);
  const [transitions, outcomes] = await Promise.all([
    ctx.db.transitions.find({ _id: { $in: ids } }).toArray(),
    ctx.db.outcomes.find({ _id: { $in: ids } }).toArray(),
  ]);
  const transitionById = new Map(transitions.map((t) => [t._id, t]));
  const outcomeById = new Map(outcomes.map((o) => [o._id, o]));
  const views: ProposalView[] = [];
  for (const proposal of proposals) {
    const transition = transitionById.get(proposal._id) ?? null;
    let outcome = outcomeById.get(proposal._id) ?? null;
    if (transition && !outcome) outcome = await finaliseIfDue(ctx, transition, now);
    const view = await complete(ctx, { proposal, transition, outcome }, now);
    if (mayView(view, viewer) && inGroup(view.status, filter)) views.push(view);
  }
  return views;
}

/**
 * Opened access-policy and revoke-policy proposals (on one policy id, or all), each with its outcome once the
 * vote is over (finalising due ones first). The research service derives approved policies from these.
 */
export async function policyVotes(
  ctx: AssemblyContext,
  now: Date,
  policyId?: string,
): Promise<{ transition: TransitionDocument; outcome: OutcomeDocument | null }[]> {
  const kinds: ProposalKind[] = ['access-policy', 'revoke-policy'];
  const filter = policyId === undefined ? { kind: { $in: kinds } } : { targetKey: policyId };
  const transitions = (await ctx.db.transitions.find(filter).toArray()).filter(
    (t) => t.openedAt && kinds.includes(t.kind),
  );
  const outcomes = await ctx.db.outcomes.find({ _id: { $in: transitions.map((t) => t._id) } }).toArray();
  const byId = new Map(outcomes.map((o) => [o._id, o]));
  return Promise.all(
    transitions.map(async (transition) => ({
      transition,
      outcome: byId.get(transition._id) ?? (await finaliseIfDue(ctx, transition, now)),
    })),
  );
}

/** A proposal as every use case starts from it, regardless of viewer; finalises a due vote first. */
export async function readView(ctx: AssemblyContext, id: string, now: Date): Promise<ProposalView> {
  const [proposal, transition, storedOutcome] = await Promise.all([
    ctx.db.proposals.findOne({ _id: id }),
    ctx.db.transitions.findOne({ _id: id }),
    ctx.db.outcomes.findOne({ _id: id }),
  ]);
  if (!proposal) throw new NotFound();
  const outcome = storedOutcome ?? (transition ? await finaliseIfDue(ctx, transition, now) : null);
  return complete(ctx, { proposal, transition, outcome }, now);
}

/** Adds the derived status and turnout to stored parts, so every path derives them the same way. */
export async function complete(
  ctx: AssemblyContext,
  parts: Pick<ProposalView, 'proposal' | 'transition' | 'outcome'>,
  now: Date,
): Promise<ProposalView> {
  const status = proposalStatus(timelineOf(parts), now);
  const turnout = parts.transition?.openedAt
    ? await ctx.db.register.countDocuments({ proposalId: parts.proposal._id })
    : null;
  return { ...parts, status, turnout };
}

/** The stored dates and outcome in the shape the lifecycle policy decides on. */
export function timelineOf(parts: Pick<ProposalView, 'transition' | 'outcome'>): ProposalTimeline {
  const { transition, outcome } = parts;
  return {
    openedAt: transition?.openedAt ?? null,
    closesAt: transition?.closesAt ?? null,
    withdrawnAt: transition?.withdrawnAt ?? null,
    outcome: outcome?.outcome ?? null,
  };
}

function mayView(view: ProposalView, viewer: Viewer): boolean {
  return viewer === 'steward' || (view.status !== 'draft' && view.status !== 'withdrawn');
}

function inGroup(status: ProposalStatus, filter: 'open' | 'closed' | 'draft' | 'all'): boolean {
  if (filter === 'all') return true;
  if (filter === 'open') return status === 'open';
  if (filter === 'draft') return status === 'draft';
  return status === 'closed' || status === 'approved' || status === 'rejected';
}
