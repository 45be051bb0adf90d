// Membership: the account holder's application and resignation; the stewards' admission desk and register.
import { requestJson } from './session.js';
import type { Account, MembershipRules, RegisterEntry } from './types.js';

/** GET /api/membership/rules: share capital, identity methods, resignation notice (the bylaws in force). */
export function fetchMembershipRules(): Promise<MembershipRules> {
  return requestJson<MembershipRules>('GET', '/api/membership/rules');
}

/** POST /api/me/membership/application */
export function applyForMembership(): Promise<Account> {
  return requestJson<Account>('POST', '/api/me/membership/application');
}

/** POST /api/me/membership/resignation */
export function resignMembership(): Promise<Account> {
  return requestJson<Account>('POST', '/api/me/membership/resignation', { confirm: true });
}

/** GET /api/steward/members?status=… (applicants by default, with possible duplicates) */
export async function fetchRegister(status: 'applicant' | 'all' = 'applicant'): Promise<RegisterEntry[]> {
  return (await requestJson<{ members: RegisterEntry[] }>('GET', `/api/steward/members?status=${status}`)).members;
}

/** POST /api/steward/members/:id/admit */
export function admitApplicant(
  id: string,
  identityMethod: string,
  shareSubscribed: { amount: number; currency: string },
): Promise<Account> {
  return requestJson<Account>('POST', `/api/steward/members/${encodeURIComponent(id)}/admit`, {
    identityMethod,
    shareSubscribed,
  });
}

/** POST /api/steward/members/:id/refuse */
export function refuseApplicant(id: string, reason: string): Promise<Account> {
  return requestJson<Account>('POST', `/api/steward/members/${encodeURIComponent(id)}/refuse`, { reason });
}

/** POST /api/steward/members/:id/exclude: a steward's decision with a reason; voting rights end at once. */
export function excludeMember(id: string, reason: string): Promise<Account> {
  return requestJson<Account>('POST', `/api/steward/members/${encodeURIComponent(id)}/exclude`, { reason });
}
