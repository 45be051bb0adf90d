// Steward work: researcher verification and the audit log.
import { requestJson } from './session.js';
import type { Account, AuditVerification, StewardResearcher, VerificationMethod } from './types.js';

/** GET /api/steward/researchers?status=pending */
export async function fetchPendingResearchers(): Promise<StewardResearcher[]> {
  return (await requestJson<{ researchers: StewardResearcher[] }>('GET', '/api/steward/researchers?status=pending'))
    .researchers;
}

/** How a steward checked a researcher (the service's method codes). */
export const VERIFICATION_METHODS = [
  'institutional_directory',
  'institutional_email',
  'video_call',
  'signed_letter',
  'other',
] as const satisfies readonly VerificationMethod[];

/** What a steward confirms when verifying a researcher, with the evidence. */
export interface VerificationRequest {
  organisation: string;
  nonProfit: boolean;
  evidence: { method: VerificationMethod; note: string };
}

/** POST /api/steward/researchers/:id/verify */
export function verifyResearcher(id: string, request: VerificationRequest): Promise<StewardResearcher> {
  return requestJson<StewardResearcher>('POST', `/api/steward/researchers/${encodeURIComponent(id)}/verify`, request);
}

/** GET /api/steward/researchers?status=verified */
export async function fetchVerifiedResearchers(): Promise<StewardResearcher[]> {
  return (await requestJson<{ researchers: StewardResearcher[] }>('GET', '/api/steward/researchers?status=verified'))
    .researchers;
}

/** The domain of an e-mail address (what follows the last @), lower-cased; empty when there is none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
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
