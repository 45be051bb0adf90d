// Votes still owed: a member's pending ballots and who a notifier should remind, never who voted what.
import { ballotRefusalReason } from '../../policies/assembly/eligibility.js';
import { isReminderDue } from '../../policies/assembly/proposal-lifecycle.js';
import { Conflict } from '../errors.js';
import type { AssemblyStores, PendingVote, ReadingStores, ReminderSummary } from './assembly.model.js';
import { loadMembership, loadMemberships } from './electorate.js';
import { complete, readView, timelineOf } from './proposal-view.js';
import { describe } from './refusals.js';

/** Open proposals the member may vote on and has not yet, soonest deadline first. */
export async function pendingVotes(
  deps: Pick<AssemblyStores, 'roll' | 'transitions' | 'proposals' | 'register'>,
  userId: string,
  now: Date,
): Promise<PendingVote[]> {
  const membership = await loadMembership(deps.roll, userId);
  if (!membership) return [];
  const open = await deps.transitions.find({ closesAt: { $gt: now } }).toArray();
  const eligible = open.filter((t) => ballotRefusalReason(membership, t.openedAt!, now) === null);
  if (eligible.length === 0) return [];
  const voted = await deps.register
    .find({ _id: { $in: eligible.map((t) => `${t._id}:${userId}`) } }, { projection: { proposalId: 1 } })
    .toArray();
  const votedIds = new Set(voted.map((entry) => entry.proposalId));
  const pending = eligible.filter((t) => !votedIds.has(t._id));
  const proposals = await deps.proposals.find({ _id: { $in: pending.map((t) => t._id) } }).toArray();
  const byId = new Map(proposals.map((p) => [p._id, p]));
  const result: PendingVote[] = [];
  for (const transition of pending.sort((a, b) => a.closesAt!.getTime() - b.closesAt!.getTime())) {
    const proposal = byId.get(transition._id);
    if (!proposal) continue;
    const view = await complete(deps, { proposal, transition, outcome: null, announcement: null }, now);
    result.push({ view, reminderDue: isReminderDue(timelineOf(view), transition.rules!.reminderLeadHours, now) });
  }
  return result;
}

/** How many members a notifier should remind about this proposal now (eligible, not voted, deadline near). */
export async function reminders(
  deps: ReadingStores & Pick<AssemblyStores, 'roll'>,
  id: string,
  now: Date,
): Promise<ReminderSummary> {
  const view = await readView(deps, id, now);
  const transition = view.transition;
  if (view.status !== 'open' || !transition?.rules) {
    throw new Conflict('proposal_not_open', describe('proposal_not_open'));
  }
  const closesAt = transition.closesAt!;
  const remindFrom = new Date(closesAt.getTime() - transition.rules.reminderLeadHours * 3_600_000);
  const due = isReminderDue(timelineOf(view), transition.rules.reminderLeadHours, now);
  const membersToRemind = due ? (await membersToRemindOf(deps, id, now)).length : 0;
  return { proposalId: id, due, remindFrom, closesAt, membersToRemind };
}

/** Ids of the members to remind (for an in-process notifier; not served over HTTP, see docs/assembly.md). */
export async function membersToRemindOf(
  deps: Pick<AssemblyStores, 'transitions' | 'roll' | 'register'>,
  id: string,
  now: Date,
): Promise<string[]> {
  const transition = await deps.transitions.findOne({ _id: id });
  if (!transition?.openedAt || !transition.rules) return [];
  if (!isReminderDue(timelineOf({ transition, outcome: null }), transition.rules.reminderLeadHours, now)) return [];
  const [memberships, voted] = await Promise.all([
    loadMemberships(deps.roll),
    deps.register.find({ proposalId: id }, { projection: { userId: 1 } }).toArray(),
  ]);
  const votedIds = new Set(voted.map((entry) => entry.userId));
  return memberships
    .filter((m) => !votedIds.has(m.id) && ballotRefusalReason(m.record, transition.openedAt!, now) === null)
    .map((m) => m.id);
}
