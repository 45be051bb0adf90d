// The general assembly: proposals, pending votes, ballots and results.
import { requestJson } from './session.js';
import type { BallotReceipt, Bylaws, Choice, Mandate, PendingVote, Proposal, Results } from './types.js';

/** GET /api/proposals?status= */
export async function fetchProposals(status: 'open' | 'closed' | 'draft' | 'all' = 'all'): Promise<Proposal[]> {
  return (await requestJson<{ proposals: Proposal[] }>('GET', `/api/proposals?status=${status}`)).proposals;
}

/** GET /api/proposals/:id */
export function fetchProposal(id: string): Promise<Proposal> {
  return requestJson<Proposal>('GET', `/api/proposals/${encodeURIComponent(id)}`);
}

/** GET /api/proposals/:id/results (turnout only while open). */
export function fetchResults(id: string): Promise<Results> {
  return requestJson<Results>('GET', `/api/proposals/${encodeURIComponent(id)}/results`);
}

/** GET /api/me/pending-votes */
export async function fetchPendingVotes(): Promise<PendingVote[]> {
  return (await requestJson<{ votes: PendingVote[] }>('GET', '/api/me/pending-votes')).votes;
}

/** POST /api/proposals/:id/ballots with the member's secret for this proposal. */
export function castBallot(id: string, choice: Choice, secret: string): Promise<BallotReceipt> {
  return requestJson<BallotReceipt>('POST', `/api/proposals/${encodeURIComponent(id)}/ballots`, { choice, secret });
}

/** POST /api/proposals/:id/open (steward). */
export function openProposal(id: string, closesAt: Date): Promise<Proposal> {
  return requestJson<Proposal>('POST', `/api/proposals/${encodeURIComponent(id)}/open`, {
    closesAt: closesAt.toISOString(),
  });
}

/** GET /api/bylaws */
export function fetchBylaws(): Promise<Bylaws> {
  return requestJson<Bylaws>('GET', '/api/bylaws');
}

const proxyPath = (id: string) => `/api/proposals/${encodeURIComponent(id)}/proxy`;

/** GET /api/proposals/:id/proxy (member): the proxy you named, or the member you represent. */
export function fetchMandate(id: string): Promise<Mandate> {
  return requestJson<Mandate>('GET', proxyPath(id));
}

/** PUT /api/proposals/:id/proxy: name the member with this e-mail address as your proxy. */
export function nameProxy(id: string, proxyEmail: string): Promise<Mandate> {
  return requestJson<Mandate>('PUT', proxyPath(id), { proxyEmail });
}

/** DELETE /api/proposals/:id/proxy: revoke your proxy. */
export function revokeProxy(id: string): Promise<Mandate> {
  return requestJson<Mandate>('DELETE', proxyPath(id));
}

/** POST /api/proposals/:id/proxy-ballots: as proxy, vote for the member you represent, with your own secret. */
export function castProxyBallot(id: string, choice: Choice, secret: string): Promise<BallotReceipt> {
  return requestJson<BallotReceipt>('POST', `/api/proposals/${encodeURIComponent(id)}/proxy-ballots`, {
    choice,
    secret,
  });
}
