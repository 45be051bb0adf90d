// Steward work: researcher verification and the audit log.
import { requestJson } from './session.js';
import type { Account, AuditVerification } from './types.js';

/** GET /api/steward/researchers?status=pending */
export async function fetchPendingResearchers(): Promise<Account[]> {
  return (await requestJson<{ researchers: Account[] }>('GET', '/api/steward/researchers?status=pending')).researchers;
}

/** POST /api/steward/researchers/:id/verify */
export function verifyResearcher(id: string, organisation: string, nonProfit: boolean): Promise<Account> {
  return requestJson<Account>('POST', `/api/steward/researchers/${encodeURIComponent(id)}/verify`, {
    organisation,
    nonProfit,
  });
}

/** GET /api/audit/verify */
export function verifyAuditLog(): Promise<AuditVerification> {
  return requestJson<AuditVerification>('GET', '/api/audit/verify');
}
