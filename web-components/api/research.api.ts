// Research access: requests (researchers file, stewards turn into proposals), approved policies, queries.
import { requestJson } from './session.js';

export type Statistic = 'count' | 'mean' | 'quantiles' | 'histogram';
export type GroupDimension = 'ageBand' | 'sex' | 'region';

export interface AccessRequestBody {
  title: string;
  purpose: string;
  duo: { permission: string; modifiers: string[] };
  categories: string[];
  level: 'aggregate' | 'pseudonymised';
  statistics: Statistic[];
  groupBy: GroupDimension[];
  period: { from: string; to: string };
  validUntil: string;
  epsilon: number;
  ethicsApproval?: string;
}

export interface ResearchRequest {
  id: string;
  researcherId: string;
  createdAt: string;
  status: 'submitted' | 'proposed';
  proposalId: string | null;
  policyId: string | null;
  request: Partial<AccessRequestBody> & Record<string, unknown>;
}

export interface Policy {
  id: string;
  title: string;
  status: string;
  purpose: string;
  categories: string[];
  statistics: Statistic[];
  groupBy: GroupDimension[];
  period: { from: string; to: string };
  validUntil: string;
  minCellSize: number;
  epsilonBudget: number;
  remainingEpsilon: number | null;
}

export interface ImpactPreview {
  policyId: string;
  at: string;
  minCellSize: number;
  categories: { category: string; members: number; minCellSizeMet: boolean }[];
}

export type Cell =
  | { group: Record<string, string>; suppressed: true }
  | {
      group: Record<string, string>;
      suppressed: false;
      count?: number;
      mean?: number;
      quantiles?: { level: number; value: number }[];
      histogram?: { from: number; to: number; count: number }[];
    };

export interface QueryAnswer {
  queryId: string;
  policyId: string;
  category: string;
  statistic: Statistic;
  groupBy: string[];
  period: { from: string; to: string };
  epsilonSpent: number;
  remainingEpsilon: number;
  minCellSize: number;
  results: { component: string | null; cells: Cell[] }[];
}

export interface QueryInput {
  policyId: string;
  category: string;
  statistic: Statistic;
  groupBy?: GroupDimension[];
}

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

/** GET /api/policies (active ones, with the remaining budget). */
export async function fetchPolicies(): Promise<Policy[]> {
  return (await requestJson<{ policies: Policy[] }>('GET', '/api/policies')).policies;
}

/** POST /api/research/queries */
export function runQuery(input: QueryInput): Promise<QueryAnswer> {
  return requestJson<QueryAnswer>('POST', '/api/research/queries', input);
}
