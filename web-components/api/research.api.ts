// Research access: requests (researchers file, stewards turn into proposals), approved policies, queries.
import { requestJson } from './session.js';
import type {
  AccessRequestBody,
  ImpactPreview,
  Inclusion,
  Policy,
  QueryAnswer,
  QueryInput,
  ResearchRequest,
} from './types.js';

/** GET /api/research/requests (own for researchers, all for stewards). */
export async function fetchRequests(): Promise<ResearchRequest[]> {
  return (await requestJson<{ requests: ResearchRequest[] }>('GET', '/api/research/requests')).requests;
}

/** POST /api/research/requests */
export function fileRequest(body: AccessRequestBody): Promise<ResearchRequest> {
  return requestJson<ResearchRequest>('POST', '/api/research/requests', body);
}

/** POST /api/research/requests/:id/proposal (steward): a draft proposal with its impact preview. */
export function proposeFromRequest(
  id: string,
): Promise<{ proposal: { id: string; title: string }; impact: ImpactPreview }> {
  return requestJson('POST', `/api/research/requests/${encodeURIComponent(id)}/proposal`);
}

/** GET /api/proposals/:id/impact */
export function fetchImpact(proposalId: string): Promise<ImpactPreview> {
  return requestJson<ImpactPreview>('GET', `/api/proposals/${encodeURIComponent(proposalId)}/impact`);
}

/** GET /api/proposals/:id/my-inclusion (members): what the proposal would mean for their own data. */
export function fetchInclusion(proposalId: string): Promise<Inclusion> {
  return requestJson<Inclusion>('GET', `/api/proposals/${encodeURIComponent(proposalId)}/my-inclusion`);
}

/** GET /api/policies (active ones by default, with the remaining budget; `all` adds ended ones). */
export async function fetchPolicies(status: 'active' | 'all' = 'active'): Promise<Policy[]> {
  const query = status === 'all' ? '?status=all' : '';
  return (await requestJson<{ policies: Policy[] }>('GET', `/api/policies${query}`)).policies;
}

/** POST /api/research/queries */
export function runQuery(input: QueryInput): Promise<QueryAnswer> {
  return requestJson<QueryAnswer>('POST', '/api/research/queries', input);
}
