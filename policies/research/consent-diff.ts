// What changed from one consent version to the next, in the member's terms: a category's level, a condition
// switched on or off, a study left or rejoined. Pure: the history is passed in, nothing is read.
import {
  type Consent,
  type ConsentConditions,
  type ConsentHistory,
  type ConsentLevel,
  DEFAULT_CONSENT,
  levelFor,
} from './consent.js';
import { type Instant, toEpochMs } from '../shared/instant.js';

export type ConsentChange =
  | { readonly kind: 'level'; readonly category: string; readonly from: ConsentLevel; readonly to: ConsentLevel }
  | { readonly kind: 'condition'; readonly condition: keyof ConsentConditions; readonly on: boolean }
  | { readonly kind: 'left'; readonly policyId: string }
  | { readonly kind: 'rejoined'; readonly policyId: string };

/** One version with what it changed against the version before it (the first against the default: nothing). */
export interface ConsentVersionChanges {
  readonly version: number;
  readonly recordedAt: Instant;
  readonly changes: readonly ConsentChange[];
}

const conditionNames = Object.keys(DEFAULT_CONSENT.conditions) as (keyof ConsentConditions)[];

// The changes from `before` to `after`: levels in category-code order, then conditions, then studies left and
// rejoined (by policy id), so the same two consents always give the same list.
export function diffConsent(before: Consent, after: Consent): ConsentChange[] {
  const changes: ConsentChange[] = [];
  const codes = [...new Set([...Object.keys(before.categories), ...Object.keys(after.categories)])].sort();
  for (const category of codes) {
    const from = levelFor(before, category);
    const to = levelFor(after, category);
    if (from !== to) changes.push({ kind: 'level', category, from, to });
  }
  for (const condition of conditionNames) {
    const was = before.conditions[condition] === true;
    const is = after.conditions[condition] === true;
    if (was !== is) changes.push({ kind: 'condition', condition, on: is });
  }
  const wasLeft = new Set(before.optedOutPolicies);
  const isLeft = new Set(after.optedOutPolicies);
  for (const policyId of [...isLeft].sort()) if (!wasLeft.has(policyId)) changes.push({ kind: 'left', policyId });
  for (const policyId of [...wasLeft].sort()) if (!isLeft.has(policyId)) changes.push({ kind: 'rejoined', policyId });
  return changes;
}

// Every version in the order it took effect (time, then version number, as consentInForce reads them), each with
// what it changed against the one before; the first version is compared with the default (nothing shared).
export function consentHistoryChanges(history: ConsentHistory): ConsentVersionChanges[] {
  const ordered = [...history].sort(
    (a, b) => toEpochMs(a.recordedAt, 'recordedAt') - toEpochMs(b.recordedAt, 'recordedAt') || a.version - b.version,
  );
  let previous: Consent = DEFAULT_CONSENT;
  return ordered.map((entry) => {
    const changes = diffConsent(previous, entry.consent);
    previous = entry.consent;
    return { version: entry.version, recordedAt: entry.recordedAt, changes };
  });
}
