// The scheduled job behind the assembly's notifications: vote opened, reminder before close (members who have not
// voted, the bylaws' lead time) and outcome published. It reads through the assembly's and members' interfaces only;
// the in-app entry's unique id makes a repeated run (or two instances) notify each member once per event.
import type { Assembly } from '../assembly/index.js';
import type { Members } from '../members/index.js';
import type { Research } from '../research/index.js';
import type { NotificationRequest } from './index.js';

/** Outcomes finalised this long ago or less are announced (covers a service that was down for a while). */
export const OUTCOME_LOOKBACK_MS = 7 * 86_400_000;

export interface VoteNoticeDeps {
  assembly: Pick<Assembly, 'pendingVotes' | 'list'>;
  members: Pick<Members, 'memberStandings' | 'getAccount'>;
  /** Researchers hear of the outcome of the vote their request became. */
  research?: Pick<Research, 'allRequests'>;
  notify(request: NotificationRequest, now: Date): Promise<void>;
  publicUrl: string;
}

/** One run: every member's open, unvoted proposals (opened, and reminder when due) and recent outcomes. */
export async function runVoteNotices(deps: VoteNoticeDeps, now: Date): Promise<number> {
  const standings = (await deps.members.memberStandings()).filter((m) => m.status === 'active');
  const recentOutcomes = (await deps.assembly.list('closed', now, 'member')).filter(
    (view) => view.outcome && now.getTime() - new Date(view.outcome.finalisedAt).getTime() <= OUTCOME_LOOKBACK_MS,
  );
  let sent = await noticeRequestsDecided(deps, recentOutcomes, now);
  for (const member of standings) {
    const account = await deps.members.getAccount(member.id);
    const email = (url: string) => ({
      to: account.profile.email,
      locale: account.locale,
      name: account.profile.name,
      url,
    });
    for (const pending of await deps.assembly.pendingVotes(member.id, now)) {
      const proposal = pending.view.proposal;
      const closesAt = pending.view.transition?.closesAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '';
      const params = { title: proposal.content.title, closesAt: `${closesAt} UTC` };
      const url = `${deps.publicUrl}/votes/${proposal._id}`;
      await deps.notify(
        { kind: 'vote-opened', eventId: proposal._id, userId: member.id, params, email: email(url) },
        now,
      );
      if (pending.reminderDue) {
        await deps.notify(
          { kind: 'vote-reminder', eventId: proposal._id, userId: member.id, params, email: email(url) },
          now,
        );
      }
      sent++;
    }
    for (const view of recentOutcomes) {
      const url = `${deps.publicUrl}/votes/${view.proposal._id}`;
      await deps.notify(
        {
          kind: 'outcome-published',
          eventId: view.proposal._id,
          userId: member.id,
          params: { title: view.proposal.content.title, outcome: view.outcome!.outcome },
          email: email(url),
        },
        now,
      );
    }
  }
  return sent;
}

// A request becomes a proposal; the vote's outcome decides it: its researcher is told once.
async function noticeRequestsDecided(
  deps: VoteNoticeDeps,
  outcomes: Awaited<ReturnType<VoteNoticeDeps['assembly']['list']>>,
  now: Date,
): Promise<number> {
  if (!deps.research || outcomes.length === 0) return 0;
  const byProposal = new Map(outcomes.map((view) => [view.proposal._id, view]));
  let sent = 0;
  for (const request of await deps.research.allRequests()) {
    const view = request.proposalId ? byProposal.get(request.proposalId) : undefined;
    if (!view?.outcome) continue;
    const account = await deps.members.getAccount(request.researcherId);
    await deps.notify(
      {
        kind: 'request-decided',
        eventId: request._id,
        userId: request.researcherId,
        params: { title: request.request.title, decision: view.outcome.outcome },
        email: {
          to: account.profile.email,
          locale: account.locale,
          name: account.profile.name,
          url: `${deps.publicUrl}/research`,
        },
      },
      now,
    );
    sent++;
  }
  return sent;
}
