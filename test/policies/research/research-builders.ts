// Builders for the research-access tests: a valid policy and consent, with overrides.
import type { AccessPolicy } from '../../../policies/research/access-policy.js';
import { type Consent, type ConsentVersion, DEFAULT_CONSENT } from '../../../policies/research/consent.js';
import type { RandomSource } from '../../../policies/research/privacy.js';

export const POLICY_JSON = {
  id: 'policy-1',
  version: 1,
  grantee: 'researcher-1',
  purpose: 'Resting heart rate and blood pressure by age band in the adult members',
  duo: { permission: 'HMB', modifiers: ['NCU', 'IRB'] },
  ethicsApproval: 'KEK-ZH 2025-0001',
  categories: ['heart-rate', 'blood-pressure'],
  level: 'aggregate',
  statistics: ['count', 'mean', 'histogram'],
  groupBy: ['ageBand', 'sex'],
  period: { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' },
  validUntil: '2026-01-01T00:00:00.000Z',
  epsilonBudget: 1,
  minCellSize: 11,
  deidentification: { dateTruncation: 'month', profileFields: [] },
};

export function buildPolicy(overrides: Partial<AccessPolicy> = {}): AccessPolicy {
  return { ...(POLICY_JSON as unknown as AccessPolicy), ...overrides };
}

export function buildConsent(overrides: Partial<Consent> = {}): Consent {
  return { ...DEFAULT_CONSENT, categories: { 'heart-rate': 'aggregate' }, ...overrides };
}

export function consentVersion(version: number, recordedAt: number, consent: Consent): ConsentVersion {
  return { version, recordedAt, consent };
}

// mulberry32: a tiny seeded 32-bit PRNG so that noise tests reproduce; never used for anything real.
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    nextUint32() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    },
  };
}
