// An access policy carried the whole way a cooperative carries one: a researcher's request, the steward's proposal,
// the vote (a quorum of members, all yes), and the count once the service's clock is past the close.
import { randomBytes } from 'node:crypto';
import { FINALISATION_GRACE_MS } from '../services/assembly/index.js';
import type { apiCaller } from './bench-service.js';

const VOTE_WINDOW_MS = 7 * 86_400_000 + 3_600_000;

export interface VotedPolicySetup {
  call: ReturnType<typeof apiCaller>;
  asResearcher(): Promise<string>;
  asSteward(): Promise<string>;
  /** Access tokens of the members who vote (enough for the quorum); they vote 50 at a time. */
  voterTokens: readonly string[];
  /** The research request's body (POST /api/research/requests). */
  request: Record<string, unknown>;
  /** The service's clock now, and a way to move it (and the benchmark's) forward. */
  now(): Date;
  advanceClock(ms: number): Promise<void>;
}

/** Returns the id of the approved policy; throws if the vote did not approve it. */
export async function votedPolicy(setup: VotedPolicySetup): Promise<string> {
  const { call, voterTokens } = setup;
  const request = await call('POST', '/api/research/requests', await setup.asResearcher(), setup.request);
  const proposed = await call('POST', `/api/research/requests/${request.id}/proposal`, await setup.asSteward());
  await call('POST', `/api/proposals/${proposed.proposal.id}/open`, await setup.asSteward(), {
    closesAt: new Date(setup.now().getTime() + VOTE_WINDOW_MS).toISOString(),
  });
  for (let i = 0; i < voterTokens.length; i += 50) {
    await Promise.all(
      voterTokens.slice(i, i + 50).map((token) =>
        call('POST', `/api/proposals/${proposed.proposal.id}/ballots`, token, {
          choice: 'yes',
          secret: randomBytes(32).toString('hex'),
        }),
      ),
    );
  }
  await setup.advanceClock(VOTE_WINDOW_MS + FINALISATION_GRACE_MS + 1_000);
  const policyId = (await call('GET', `/api/research/requests/${request.id}`, await setup.asResearcher())).policyId;
  if (typeof policyId !== 'string') throw new Error('the policy was not approved');
  return policyId;
}
