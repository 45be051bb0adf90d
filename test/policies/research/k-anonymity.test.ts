// k-anonymity of the export's profiles: over random cohorts, every released combination has at least k members,
// generalisation is as mild as the ladder allows, and a cohort below k is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageBands, groupByDimensions, regionGroups, type GroupValues } from '../../../policies/research/group-by.js';
import { kAnonymise, smallestClassOf } from '../../../policies/research/k-anonymity.js';
import { sexes } from '../../../policies/research/research-profile.js';

const groupsArbitrary = fc.record({
  ageBand: fc.constantFrom(...ageBands),
  sex: fc.constantFrom(...sexes),
  region: fc.constantFrom(...regionGroups),
}) as fc.Arbitrary<GroupValues>;

describe('kAnonymise', () => {
  it('refuses a cohort smaller than k', () => {
    const four = Array.from({ length: 4 }, () => ({ ageBand: '40-49', sex: 'female', region: 'CH04' }));
    expect(kAnonymise(four, ['sex'], 11)).toEqual({ ok: false, reason: 'cohort_below_minimum' });
  });

  it('keeps the fields exact when every combination already has k members', () => {
    const same = Array.from({ length: 11 }, () => ({ ageBand: '40-49', sex: 'female', region: 'CH04' }));
    const result = kAnonymise(same, ['sex', 'ageBand', 'region'], 11);
    expect(result.ok && result.generalisation).toEqual({ sex: 'exact', ageBand: 'exact', region: 'exact' });
  });

  it('widens age bands before withholding anything', () => {
    const cohort = [
      ...Array.from({ length: 11 }, () => ({ ageBand: '40-49', sex: 'female', region: 'CH04' })),
      ...Array.from({ length: 11 }, (_, i) => ({ ageBand: i < 5 ? '60-69' : '70-79', sex: 'female', region: 'CH04' })),
    ];
    const result = kAnonymise(cohort, ['ageBand', 'region'], 11);
    expect(result.ok && result.generalisation).toEqual({ ageBand: 'widened', region: 'exact' });
    expect(result.ok && new Set(result.profiles.map((p) => p.ageBand))).toEqual(new Set(['40-59', '60+']));
  });

  it('over random cohorts: k-anonymous whenever the cohort has k members, refused otherwise', () => {
    fc.assert(
      fc.property(
        fc.array(groupsArbitrary, { maxLength: 80 }),
        fc.subarray([...groupByDimensions]),
        fc.integer({ min: 2, max: 25 }),
        (cohort, fields, k) => {
          const result = kAnonymise(cohort, fields, k);
          expect(result.ok).toBe(cohort.length >= k);
          if (!result.ok) return true;
          expect(smallestClassOf(result.profiles)).toBeGreaterThanOrEqual(k);
          expect(result.profiles).toHaveLength(cohort.length);
          // Only the fields the policy names may appear.
          for (const p of result.profiles) for (const f of Object.keys(p)) expect(fields).toContain(f);
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});
