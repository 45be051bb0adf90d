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

/** GET /api/steward/researchers?status=verified */
export async function fetchVerifiedResearchers(): Promise<Account[]> {
  return (await requestJson<{ researchers: Account[] }>('GET', '/api/steward/researchers?status=verified')).researchers;
}

/** Why a verified researcher's affiliation changes (the service's reason codes). */
export const AFFILIATION_REASONS = [
  'organisation_renamed',
  'moved_organisation',
  'status_corrected',
  'entered_in_error',
] as const;
export type AffiliationReason = (typeof AFFILIATION_REASONS)[number];

/** POST /api/steward/researchers/:id/affiliation */
export function changeAffiliation(
  id: string,
  change: { organisation: string; nonProfit: boolean; reason: AffiliationReason },
): Promise<Account> {
  return requestJson<Account>('POST', `/api/steward/researchers/${encodeURIComponent(id)}/affiliation`, change);
}

/** GET /api/audit/verify */
export function verifyAuditLog(): Promise<AuditVerification> {
  return requestJson<AuditVerification>('GET', '/api/audit/verify');
}
