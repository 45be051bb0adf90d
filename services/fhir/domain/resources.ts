// The member's data as FHIR R4 resources: Patient from the profile, Consent from the research consent versions,
// and the searchset Bundle around search results. Pure: ids, times and the base URL are passed in.
import { listCategories } from '../../../policies/observations/catalogue.js';
import type { ConsentVersion } from '../../../policies/research/consent.js';
import { LOINC } from './observation-search.js';

/** What a Patient may show: the profile fields the member gave, nothing else. */
export interface PatientProfile {
  name: string;
  email: string;
  birthYear?: number | undefined;
  sex?: 'female' | 'male' | 'other' | 'unspecified' | undefined;
  region?: string | undefined;
}

export const DATACOOP_SYSTEM = 'https://datacoop.ch/fhir';
export const CONSENT_LEVEL_SYSTEM = `${DATACOOP_SYSTEM}/CodeSystem/consent-level`;
export const REGION_SYSTEM = `${DATACOOP_SYSTEM}/CodeSystem/region`;
const GENDER = { female: 'female', male: 'male', other: 'other', unspecified: 'unknown' } as const;

/** The member as a Patient: name, e-mail, gender, birth year (a partial date), region; `id` is the account id. */
export function toPatient(id: string, profile: PatientProfile): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id,
    meta: { versionId: '1' },
    active: true,
    name: [{ text: profile.name }],
    telecom: [{ system: 'email', value: profile.email }],
    ...(profile.sex !== undefined && { gender: GENDER[profile.sex] }),
    ...(profile.birthYear !== undefined && { birthDate: String(profile.birthYear).padStart(4, '0') }),
    ...(profile.region !== undefined && {
      address: [
        {
          ...(profile.region === 'other' ? {} : { country: 'CH' }),
          extension: [
            {
              url: `${DATACOOP_SYSTEM}/StructureDefinition/region`,
              valueCoding: { system: REGION_SYSTEM, code: profile.region },
            },
          ],
        },
      ],
    }),
  };
}

/** The id of a consent version as a Consent resource. */
export function consentId(version: number): string {
  return `research-${version}`;
}

/**
 * One version of the research consent as an R4 Consent: scope research, the patient, when it was recorded, active
 * while in force (later versions `inactive`), and a provision that denies by default and permits or denies each
 * catalogue category (the level shared, aggregate or pseudonymised, as the action); opted-out studies are denied.
 */
export function toConsent(memberId: string, version: ConsentVersion, inForce: boolean): Record<string, unknown> {
  const categories = listCategories().map((category) => {
    const level = version.consent.categories[category.code] ?? 'none';
    return {
      type: level === 'none' ? 'deny' : 'permit',
      ...(level !== 'none' && {
        action: [{ coding: [{ system: CONSENT_LEVEL_SYSTEM, code: level }] }],
      }),
      code: [{ coding: [{ system: LOINC, code: category.loinc, display: category.loincDisplay }] }],
    };
  });
  const conditions = Object.entries(version.consent.conditions)
    .filter(([, on]) => on)
    .map(([name]) => ({ system: `${DATACOOP_SYSTEM}/CodeSystem/consent-condition`, code: name }));
  const optOuts = version.consent.optedOutPolicies.map((policyId) => ({
    type: 'deny',
    purpose: [{ system: `${DATACOOP_SYSTEM}/CodeSystem/access-policy`, code: policyId.slice(0, 64) }],
  }));
  return {
    resourceType: 'Consent',
    id: consentId(version.version),
    meta: { versionId: '1' },
    status: inForce ? 'active' : 'inactive',
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research', display: 'Research' }],
    },
    category: [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${memberId}` },
    dateTime: new Date(version.recordedAt).toISOString(),
    organization: [{ display: 'Datacoop' }],
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'deny',
      ...(conditions.length > 0 && { securityLabel: conditions }),
      provision: [...categories, ...optOuts],
    },
  };
}

/** The version in force at `now` among a member's versions (the latest recorded at or before it). */
export function versionInForce(versions: readonly ConsentVersion[], now: Date): number | undefined {
  return versions
    .filter((v) => new Date(v.recordedAt).getTime() <= now.getTime())
    .reduce<ConsentVersion | undefined>((best, v) => (!best || v.version > best.version ? v : best), undefined)
    ?.version;
}

/** A search result page: resources with their full URLs, the total, paging links, and warnings if any. */
export function searchsetBundle(input: {
  total: number;
  resources: readonly { fullUrl: string; resource: unknown }[];
  links: readonly { relation: string; url: string }[];
  warning?: unknown;
  now: Date;
}): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: input.now.toISOString(),
    total: input.total,
    link: input.links,
    entry: [
      ...input.resources.map(({ fullUrl, resource }) => ({ fullUrl, resource, search: { mode: 'match' } })),
      ...(input.warning ? [{ resource: input.warning, search: { mode: 'outcome' } }] : []),
    ],
  };
}
