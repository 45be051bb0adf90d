// The scheduled job behind the assembly's notifications: vote opened, reminder before close (members who have not
// voted, the bylaws' lead time), outcome published, and to each member whose consent in force an approved access
// policy includes, that it does (only to them). It reads through the assembly's and members' interfaces only;
// the in-app entry's unique id makes a repeated run (or two instances) notify each member once per event.
import type { Assembly } from '../assembly/index.js';
import type { Members } from '../members/index.js';
import type { Research } from '../research/index.js';
import { parseAccessPolicy } from '../../policies/research/access-policy.js';
import { consentAllows } from '../../policies/research/consent.js';
import type { NotificationRequest } from './index.js';

/** Outcomes finalised this long ago or less are announced (covers a service that was down for a while). */
export const OUTCOME_LOOKBACK_MS = 7 * 86_400_000;

export interface VoteNoticeDeps {
  assembly: Pick<Assembly, 'pendingVotes' | 'list'>;
  members: Pick<Members, 'memberStandings' | 'getAccount'>;
  /** Researchers hear of the outcome of the vote their request became. */
  research?: Pick<Research, 'allRequests' | 'consentOf'>;
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
  const approvedPolicies = approvedPoliciesOf(recentOutcomes);
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
    for (const { id, title, policy } of approvedPolicies) {
      if (!(await includes(deps, member.id, policy, now))) continue;
      // Only the member hears it, in the in-app list and their own e-mail: nothing tells anyone else who is included.
      await deps.notify(
        {
          kind: 'policy-includes-you',
          eventId: id,
          userId: member.id,
          params: { title },
          email: email(`${deps.publicUrl}/privacy`),
        },
        now,
      );
    }
  }
  return sent;
}

interface ApprovedPolicy {
  id: string;
  title: string;
  policy: Extract<ReturnType<typeof parseAccessPolicy>, { ok: true }>['policy'];
}

// Access policies the assembly approved among the recent outcomes (a policy that no longer parses is left out).
function approvedPoliciesOf(outcomes: Awaited<ReturnType<VoteNoticeDeps['assembly']['list']>>): ApprovedPolicy[] {
  return outcomes.flatMap((view) => {
    if (view.proposal.kind !== 'access-policy' || view.outcome?.outcome !== 'approved') return [];
    const parsed = parseAccessPolicy(view.proposal.content.policy);
    return parsed.ok ? [{ id: view.proposal._id, title: view.proposal.content.title, policy: parsed.policy }] : [];
  });
}

// Whether the member's consent in force lets the policy use their data in at least one of its categories.
async function includes(
  deps: VoteNoticeDeps,
  memberId: string,
  policy: ApprovedPolicy['policy'],
  now: Date,
): Promise<boolean> {
  if (!deps.research) return false;
  const { consent } = await deps.research.consentOf(memberId, now);
  return policy.categories.some((category) => consentAllows(consent, policy, category).included);
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
