// The member's consent (their key), their access log and how they compare with the cohort.
import { requestJson } from './session.js';
import type { AccessLogEntry, Consent, ConsentView, Insight, MemberStudy } from './types.js';

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

/** GET /api/me/studies: the active studies and, per category, whether the member's data is in each now. */
export async function fetchMemberStudies(): Promise<MemberStudy[]> {
  return (await requestJson<{ studies: MemberStudy[] }>('GET', '/api/me/studies')).studies;
}
