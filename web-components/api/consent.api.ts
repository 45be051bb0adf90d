// The member's consent (their key), their access log and how they compare with the cohort.
import { requestJson } from './session.js';

export type ConsentLevel = 'none' | 'aggregate' | 'pseudonymised';
export type ConditionName = 'nonCommercialOnly' | 'notForProfitOnly' | 'noAncestryResearch' | 'ethicsApprovalRequired';

export interface Consent {
  categories: Record<string, 'aggregate' | 'pseudonymised'>;
  conditions: Record<ConditionName, boolean>;
  optedOutPolicies: string[];
}

export interface ConsentView {
  consent: Consent;
  version: number;
  recordedAt: string | null;
  history: { version: number; recordedAt: string }[];
}

export interface AccessLogEntry {
  queryId: string;
  kind: 'query' | 'export';
  policyId: string;
  study: string;
  purpose: string;
  category: string;
  statistic: string | null;
  at: string;
}

export interface Insight {
  category: string;
  unit: string;
  suppressed: boolean;
  components: {
    component: string | null;
    own: number | null;
    bands: { level: number; value: number }[] | null;
    position: unknown;
  }[];
}

/** GET /api/me/consent */
export function fetchConsent(): Promise<ConsentView> {
  return requestJson<ConsentView>('GET', '/api/me/consent');
}

/** PUT /api/me/consent: the whole consent from now on. */
export function saveConsent(consent: Consent): Promise<ConsentView> {
  return requestJson<ConsentView>('PUT', '/api/me/consent', consent);
}

/** GET /api/me/access-log */
export async function fetchAccessLog(): Promise<AccessLogEntry[]> {
  return (await requestJson<{ entries: AccessLogEntry[] }>('GET', '/api/me/access-log')).entries;
}

/** GET /api/me/insights?category= */
export function fetchInsight(category: string): Promise<Insight> {
  return requestJson<Insight>('GET', `/api/me/insights?category=${encodeURIComponent(category)}`);
}
