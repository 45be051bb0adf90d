import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ballotsNeededForQuorum,
  type CountingRules,
  isQuorumMet,
  tallyVotes,
} from '../../../policies/assembly/tally.js';

// Property-based checks of the counting rules (spec §5) with fast-check; failures shrink to a minimal case.
const electorates = [1, 2, 3, 7, 10, 93, 1000, 1_000_000] as const;

// Rules as the bylaws allow them: quorum in [0, 1], threshold in [1/2, 1), either base.
const rulesArb: fc.Arbitrary<CountingRules> = fc
  .record({
    quorumDen: fc.integer({ min: 1, max: 1000 }),
    quorumPart: fc.double({ min: 0, max: 1, noNaN: true }),
    thresholdDen: fc.integer({ min: 2, max: 1000 }),
    thresholdPart: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    cast: fc.boolean(),
  })
  .map(({ quorumDen, quorumPart, thresholdDen, thresholdPart, cast }) => {
    // The doubles only pick integers here; the rule itself stays a pair of integers.
    const low = Math.ceil(thresholdDen / 2);
    return {
      quorum: { num: Math.floor(quorumPart * quorumDen), den: quorumDen },
      threshold: {
        num: Math.min(thresholdDen - 1, low + Math.floor(thresholdPart * (thresholdDen - low))),
        den: thresholdDen,
      },
      thresholdBase: cast ? 'cast' : 'decisive',
    };
  });

// An electorate (one of the boundary sizes or any up to 10⁶) and ballots that fit within it.
const voteArb = fc
  .record({
    electorate: fc.oneof(fc.constantFrom(...electorates), fc.integer({ min: 0, max: 1_000_000 })),
    shares: fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()),
  })
  .map(({ electorate, shares: [a, b, c, d] }) => {
    const total = a + b + c + d || 1;
    const scale = (x: number) => Math.floor((x * electorate) / total);
    return { electorate, yes: scale(a), no: scale(b), abstain: scale(c) };
  });

describe('tally (fast-check)', () => {
  it('meets the quorum at ⌈num·N/den⌉ ballots and not one fewer, for N in the boundary set', () => {
    fc.assert(
      fc.property(fc.constantFrom(...electorates), rulesArb, (electorate, rules) => {
        const needed = ballotsNeededForQuorum(electorate, rules.quorum);
        expect(BigInt(needed) * BigInt(rules.quorum.den)).toBeGreaterThanOrEqual(
          BigInt(rules.quorum.num) * BigInt(electorate),
        );
        expect(isQuorumMet(needed, electorate, rules.quorum)).toBe(true);
        if (needed > 0) {
          expect(isQuorumMet(needed - 1, electorate, rules.quorum)).toBe(false);
          // All abstentions reach the quorum but never approve.
          expect(tallyVotes({ yes: 0, no: 0, abstain: needed }, electorate, rules).reason).toBe('no_decisive_votes');
          expect(tallyVotes({ yes: needed - 1, no: 0, abstain: 0 }, electorate, rules).reason).toBe('quorum_not_met');
        }
      }),
    );
  });

  it('never approves a tie', () => {
    fc.assert(
      fc.property(voteArb, rulesArb, ({ electorate, yes, no, abstain }, rules) => {
        const half = Math.min(yes, no);
        const result = tallyVotes({ yes: half, no: half, abstain }, electorate, rules);
        expect(result.outcome).toBe('rejected');
        if (half > 0 && result.reason !== 'quorum_not_met') expect(result.reason).toBe('tie');
      }),
    );
  });

  it('rejects a vote where everyone abstained', () => {
    fc.assert(
      fc.property(voteArb, rulesArb, ({ electorate, abstain }, rules) => {
        const result = tallyVotes({ yes: 0, no: 0, abstain }, electorate, rules);
        expect(result.outcome).toBe('rejected');
        expect(['quorum_not_met', 'no_decisive_votes']).toContain(result.reason);
      }),
    );
  });

  it('is monotone: one more yes, or a no or abstention turned yes, never turns approval into rejection', () => {
    fc.assert(
      fc.property(voteArb, rulesArb, ({ electorate, yes, no, abstain }, rules) => {
        const counts = { yes, no, abstain };
        fc.pre(tallyVotes(counts, electorate, rules).outcome === 'approved');
        if (yes + no + abstain < electorate) {
          expect(tallyVotes({ ...counts, yes: yes + 1 }, electorate, rules).outcome).toBe('approved');
        }
        if (no > 0)
          expect(tallyVotes({ yes: yes + 1, no: no - 1, abstain }, electorate, rules).outcome).toBe('approved');
        if (abstain > 0) {
          expect(tallyVotes({ yes: yes + 1, no, abstain: abstain - 1 }, electorate, rules).outcome).toBe('approved');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decides exactly at electorates where floating point would round (up to 2⁵³ − 1)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 2n ** 50n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        fc.integer({ min: 3, max: 999 }),
        (bigElectorate, den) => {
          const electorate = Number(bigElectorate);
          const rules: CountingRules = {
            quorum: { num: 0, den: 1 },
            threshold: { num: den - 1, den },
            thresholdBase: 'decisive',
          };
          // yes = ⌊(den−1)·N/den⌋ is at or just below the threshold share and fails; one more yes passes.
          const yes = Number((bigElectorate * BigInt(den - 1)) / BigInt(den));
          const result = tallyVotes({ yes, no: electorate - yes, abstain: 0 }, electorate, rules);
          expect(result.outcome).toBe('rejected');
          if (yes + 1 <= electorate) {
            expect(tallyVotes({ yes: yes + 1, no: electorate - yes - 1, abstain: 0 }, electorate, rules).outcome).toBe(
              'approved',
            );
          }
          // The BigInt rule, restated: approved ⇔ yes·den > num·decisive.
          const approved = BigInt(yes) * BigInt(den) > BigInt(den - 1) * bigElectorate;
          expect(result.outcome === 'approved').toBe(approved);
        },
      ),
    );
  });
});
