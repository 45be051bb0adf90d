// k-anonymity of the pseudonymised export (issue 18): every combination of the released profile fields must be
// shared by at least k members (k ≥ the bylaws' cell size). The profile is generalised step by step — age bands
// widened to 20 years and more, then region, age band and sex withheld — until it is; a cohort of fewer than k
// members is refused outright. Pure: the caller passes every member's groups once.
import type { GroupByDimension, GroupValues } from './group-by.js';

/** How one released field is shown: as is, widened (age band only), or not at all. */
export type FieldRelease = 'exact' | 'widened' | 'withheld';

export type Generalisation = { readonly [D in GroupByDimension]?: FieldRelease };

/** The ladder, mildest first: each step keeps the ones before it. */
const STEPS: readonly { field: GroupByDimension; release: FieldRelease }[] = [
  { field: 'ageBand', release: 'widened' },
  { field: 'region', release: 'withheld' },
  { field: 'ageBand', release: 'withheld' },
  { field: 'sex', release: 'withheld' },
];

const WIDE_AGE_BANDS: Readonly<Record<string, string>> = {
  '0-29': '0-39',
  '30-39': '0-39',
  '40-49': '40-59',
  '50-59': '40-59',
  '60-69': '60+',
  '70-79': '60+',
  '80+': '60+',
  unknown: 'unknown',
};

export type KAnonymity =
  | {
      readonly ok: true;
      readonly generalisation: Generalisation;
      /** The released profile of member i (only the fields not withheld). */
      readonly profiles: readonly Partial<GroupValues>[];
      /** The smallest number of members sharing one released combination (≥ k). */
      readonly smallestClass: number;
    }
  | { readonly ok: false; readonly reason: 'cohort_below_minimum' };

/** Generalises `groups` (one entry per member) over `fields` until every released combination has ≥ k members. */
export function kAnonymise(groups: readonly GroupValues[], fields: readonly GroupByDimension[], k: number): KAnonymity {
  if (!Number.isSafeInteger(k) || k < 1) throw new Error('kAnonymise: k must be a positive integer');
  if (groups.length < k) return { ok: false, reason: 'cohort_below_minimum' };
  const generalisation: Record<string, FieldRelease> = Object.fromEntries(fields.map((f) => [f, 'exact']));
  for (let step = 0; ; step += 1) {
    const profiles = groups.map((g) => releasedProfile(g, generalisation));
    const smallestClass = smallestClassOf(profiles);
    if (smallestClass >= k) return { ok: true, generalisation: { ...generalisation }, profiles, smallestClass };
    const next = STEPS.slice(step).findIndex((s) => generalisation[s.field] !== undefined);
    // Every field withheld leaves one class, the whole cohort (≥ k): the loop always ends before this.
    if (next < 0) throw new Error('kAnonymise: no step left');
    step += next;
    const { field, release } = STEPS[step]!;
    generalisation[field] = release;
  }
}

/** The fields of `groups` as released under `generalisation`. */
export function releasedProfile(groups: GroupValues, generalisation: Generalisation): Partial<GroupValues> {
  const profile: Record<string, string> = {};
  for (const [field, release] of Object.entries(generalisation) as [GroupByDimension, FieldRelease][]) {
    if (release === 'withheld') continue;
    const value = groups[field];
    profile[field] = release === 'widened' ? (WIDE_AGE_BANDS[value] ?? value) : value;
  }
  return profile as Partial<GroupValues>;
}

/** The size of the smallest class of identical profiles (members counted once each). */
export function smallestClassOf(profiles: readonly Partial<GroupValues>[]): number {
  const classes = new Map<string, number>();
  for (const p of profiles) {
    const key = JSON.stringify([p.ageBand ?? null, p.sex ?? null, p.region ?? null]);
    classes.set(key, (classes.get(key) ?? 0) + 1);
  }
  return classes.size === 0 ? 0 : Math.min(...classes.values());
}
