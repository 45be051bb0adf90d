// The public record: read without signing in, so it goes without a token even when someone is signed in.
import { toApiError } from './api-error.js';
import type { PublicRecord, PublicResults } from './types.js';

/** GET /api/public/record */
export async function fetchPublicRecord(): Promise<PublicRecord> {
  const response = await fetch('/api/public/record');
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as PublicRecord;
}

/** GET /api/public/proposals/:id: the counted proposal and its whole ballot list (the receipt stays here). */
export async function fetchPublicResults(proposalId: string): Promise<PublicResults> {
  const response = await fetch(`/api/public/proposals/${encodeURIComponent(proposalId)}`);
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as PublicResults;
}
