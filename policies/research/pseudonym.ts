// Pseudonymised export (spec §6): per-study pseudonyms by keyed hash, dates truncated, no free text.
// The per-policy key is random and lives only as long as the policy; with the key destroyed, nobody (the
// cooperative included) can link a pseudonym back to a member, and there is no mapping table to leak.
import { createHmac } from 'node:crypto';
import type { DateTruncation, Deidentification } from './access-policy.js';
import { type GroupValues } from './group-by.js';
import type { NormalisedObservation } from '../observations/observation-types.js';

/**
 * Hex characters kept of the HMAC-SHA-256: 32 = 128 bits. Collisions stay negligible (birthday bound
 * 2⁻⁶⁴ at 4 billion members) and without the key a pseudonym cannot be recomputed or guessed, so the
 * other 128 bits add nothing but length to every exported row.
 */
export const PSEUDONYM_HEX_LENGTH = 32;

/** Policy keys are 32 random bytes (the HMAC-SHA-256 block's natural key size). */
export const POLICY_KEY_BYTES = 32;

// The member's pseudonym in one study: HMAC-SHA-256(policyKey, memberId), hex, first 128 bits.
export function pseudonym(policyKey: Uint8Array, memberId: string): string {
  if (!(policyKey instanceof Uint8Array) || policyKey.length < POLICY_KEY_BYTES) {
    throw new Error(`pseudonym: the policy key must be at least ${POLICY_KEY_BYTES} bytes`);
  }
  if (typeof memberId !== 'string' || memberId === '') throw new Error('pseudonym: memberId must be a string');
  return createHmac('sha256', policyKey).update(memberId, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX_LENGTH);
}

// An ISO 8601 UTC instant truncated to a FHIR partial date: `2024-03-17` (day), `2024-03` (month), `2024`.
export function truncateDate(instant: string, truncation: DateTruncation): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`truncateDate: not a time: ${instant.slice(0, 40)}`);
  const iso = new Date(ms).toISOString();
  if (truncation === 'day') return iso.slice(0, 10);
  if (truncation === 'month') return iso.slice(0, 7);
  if (truncation === 'year') return iso.slice(0, 4);
  throw new Error(`truncateDate: unknown truncation ${String(truncation)}`);
}

/** One exported row: only these fields ever leave; the note, the source and exact times never do. */
export interface PseudonymisedRecord {
  readonly pseudonym: string;
  readonly category: string;
  readonly unit: string;
  readonly effective: string;
  readonly value?: number;
  readonly components?: Readonly<Record<string, number>>;
  readonly profile?: Partial<GroupValues>;
}

// The exported form of one observation: whitelisted fields only, date truncated as the policy says, and the
// profile groups the policy names (groups such as the age band, never the birth year).
export function pseudonymiseObservation(
  observation: NormalisedObservation,
  memberId: string,
  policyKey: Uint8Array,
  deidentification: Deidentification,
  groups?: GroupValues,
): PseudonymisedRecord {
  const record: {
    pseudonym: string;
    category: string;
    unit: string;
    effective: string;
    value?: number;
    components?: Record<string, number>;
    profile?: Partial<GroupValues>;
  } = {
    pseudonym: pseudonym(policyKey, memberId),
    category: observation.category,
    unit: observation.unit,
    effective: truncateDate(observation.effectiveAt, deidentification.dateTruncation),
  };
  if (observation.components !== undefined) record.components = { ...observation.components };
  else record.value = observation.value;
  if (deidentification.profileFields.length > 0 && groups) {
    const profile: Record<string, string> = {};
    for (const field of deidentification.profileFields) profile[field] = groups[field];
    record.profile = profile as Partial<GroupValues>;
  }
  return record;
}
