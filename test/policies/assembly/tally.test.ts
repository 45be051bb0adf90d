import { describe, expect, it } from 'vitest';
import {
  ballotsNeededForQuorum,
  type CountingRules,
  isQuorumMet,
  tallyVotes,
} from '../../../policies/assembly/tally.js';

// The founding counting rules, spelled out so a change to bylaws.json cannot silently change these tests.
const accessPolicy: CountingRules = {
  quorum: { num: 1, den: 10 },
  threshold: { num: 1, den: 2 },
  thresholdBase: 'decisive',
};
const revokePolicy: CountingRules = { ...accessPolicy, quorum: { num: 1, den: 20 } };
const amendBylaws: CountingRules = {
  quorum: { num: 1, den: 5 },
  threshold: { num: 2, den: 3 },
  thresholdBase: 'cast',
};
const seventyPercent: CountingRules = { ...accessPolicy, threshold: { num: 7, den: 10 } };

const votes = (yes: number, no: number, abstain = 0) => ({ yes, no, abstain });

describe('tally', () => {
  it('approves a simple majority of decisive votes once quorum is met', () => {
    expect(tallyVotes(votes(6, 4), 100, accessPolicy)).toEqual({
      outcome: 'approved',
      reason: 'approved',
      totals: { yes: 6, no: 4, abstain: 0, cast: 10, electorate: 100 },
    });
  });

  it('rejects a tie', () => {
    expect(tallyVotes(votes(5, 5), 100, accessPolicy)).toMatchObject({ outcome: 'rejected', reason: 'tie' });
  });

  it('rejects when everyone abstained', () => {
    expect(tallyVotes(votes(0, 0, 10), 100, accessPolicy)).toMatchObject({
      outcome: 'rejected',
      reason: 'no_decisive_votes',
    });
  });

  it.each([
    // [case, counts, electorate, rules, reason]
    ['quorum exactly met (10 of 100 at 1/10)', votes(6, 4), 100, accessPolicy, 'approved'],
    ['one ballot short of quorum (9 of 100)', votes(6, 3), 100, accessPolicy, 'quorum_not_met'],
    ['quorum rounds up: 10 of 93 meets 1/10', votes(6, 4), 93, accessPolicy, 'approved'],
    ['quorum rounds up: 9 of 93 does not', votes(6, 3), 93, accessPolicy, 'quorum_not_met'],
    ['abstentions count towards quorum', votes(1, 0, 9), 100, accessPolicy, 'approved'],
    ['a minority of yes fails the threshold', votes(5, 6), 100, accessPolicy, 'threshold_not_met'],
    ['abstentions do not count against a decisive base', votes(3, 2, 20), 100, accessPolicy, 'approved'],
    ['revocation needs a quorum of only 1/20', votes(3, 2), 100, revokePolicy, 'approved'],
    ['revocation one ballot short of 1/20', votes(3, 1), 100, revokePolicy, 'quorum_not_met'],
    ['amendment exactly at 2/3 of cast is not enough', votes(20, 10), 100, amendBylaws, 'threshold_not_met'],
    ['amendment one yes above 2/3 of cast passes', votes(21, 10), 100, amendBylaws, 'approved'],
    ['abstentions count against an amendment (cast base)', votes(20, 9, 1), 100, amendBylaws, 'threshold_not_met'],
    ['amendment with yes/decisive above 2/3 but abstentions', votes(14, 6, 1), 100, amendBylaws, 'threshold_not_met'],
    ['amendment quorum exactly 1/5', votes(14, 6), 100, amendBylaws, 'approved'],
    ['amendment one ballot short of 1/5', votes(14, 5), 100, amendBylaws, 'quorum_not_met'],
    ['a tie with abstentions is still a tie under a cast base', votes(5, 5, 20), 100, amendBylaws, 'tie'],
    ['an electorate of one: the single yes decides', votes(1, 0), 1, accessPolicy, 'approved'],
    ['an empty electorate with no ballots has no decisive votes', votes(0, 0), 0, accessPolicy, 'no_decisive_votes'],
  ] as const)('%s', (_case, counts, electorate, rules, reason) => {
    const result = tallyVotes(counts, electorate, rules);
    expect(result.reason).toBe(reason);
    expect(result.outcome).toBe(reason === 'approved' ? 'approved' : 'rejected');
  });

  describe('reason precedence: quorum, then no decisive votes, then tie, then threshold', () => {
    it.each([
      ['a tie below quorum is reported as quorum_not_met', votes(2, 2), 100, 'quorum_not_met'],
      ['all abstaining below quorum is reported as quorum_not_met', votes(0, 0, 3), 100, 'quorum_not_met'],
      ['a tie that also fails the threshold is reported as tie', votes(50, 50), 100, 'tie'],
      ['zero yes and zero no is no_decisive_votes, not a tie', votes(0, 0, 100), 100, 'no_decisive_votes'],
    ] as const)('%s', (_case, counts, electorate, reason) => {
      expect(tallyVotes(counts, electorate, accessPolicy).reason).toBe(reason);
    });
  });

  describe('large electorates are counted exactly', () => {
    it.each([
      ['quorum exactly met at 10⁶', votes(60_000, 40_000), 1_000_000, accessPolicy, 'approved'],
      ['one ballot short at 10⁶', votes(60_000, 39_999), 1_000_000, accessPolicy, 'quorum_not_met'],
      ['a majority of one at 10⁶', votes(500_001, 500_000), 1_000_001, accessPolicy, 'approved'],
      // 63 > 0.7 × 90 holds in floating point (0.7 × 90 = 62.99999999999999) but 63/90 is exactly 7/10.
      ['exactly 7/10 of 90, which floats misjudge', votes(63, 27), 90, seventyPercent, 'threshold_not_met'],
      ['exactly 7/10 of 1,310,730', votes(917_511, 393_219), 1_310_730, seventyPercent, 'threshold_not_met'],
      ['one yes above 7/10 of 1,310,730', votes(917_512, 393_218), 1_310_730, seventyPercent, 'approved'],
      // yes·3 = 18014398509481977 > 2·T = 18014398509481976, beyond 2^53: float products round both alike.
      [
        'one unit above 2/3 of an electorate at the safe-integer limit',
        votes(6_004_799_503_160_659, 3_002_399_751_580_329),
        Number.MAX_SAFE_INTEGER,
        amendBylaws,
        'approved',
      ],
      [
        'one unit below 2/3 at the safe-integer limit',
        votes(6_004_799_503_160_658, 3_002_399_751_580_330),
        Number.MAX_SAFE_INTEGER,
        amendBylaws,
        'threshold_not_met',
      ],
    ] as const)('%s', (_case, counts, electorate, rules, reason) => {
      expect(tallyVotes(counts, electorate, rules).reason).toBe(reason);
    });
  });

  describe('refuses input that cannot be a real count', () => {
    it.each([
      ['a negative count', votes(-1, 0), 10],
      ['a fractional count', votes(1.5, 0), 10],
      ['NaN', votes(Number.NaN, 0), 10],
      ['an unsafe integer', votes(2 ** 53, 0), 2 ** 53],
      ['more ballots than voters', votes(6, 5), 10],
      ['a negative electorate', votes(0, 0), -1],
      ['a fractional electorate', votes(0, 0), 10.5],
    ] as const)('%s', (_case, counts, electorate) => {
      expect(() => tallyVotes(counts, electorate, accessPolicy)).toThrow(Error);
    });

    it('refuses a fraction with a zero denominator', () => {
      const broken = { ...accessPolicy, threshold: { num: 1, den: 0 } };
      expect(() => tallyVotes(votes(1, 0), 1, broken)).toThrow(/den/);
    });
  });
});

describe('quorum', () => {
  const electorates = [1, 2, 3, 7, 10, 93, 1000, 1_000_000];
  const needed: Record<string, number[]> = {
    '1/10': [1, 1, 1, 1, 1, 10, 100, 100_000],
    '1/20': [1, 1, 1, 1, 1, 5, 50, 50_000],
    '1/5': [1, 1, 1, 2, 2, 19, 200, 200_000],
  };
  const cases = Object.entries(needed).flatMap(([fraction, counts]) =>
    electorates.map((electorate, i) => {
      const [num, den] = fraction.split('/').map(Number) as [number, number];
      return { fraction, quorum: { num, den }, electorate, needed: counts[i] ?? -1 };
    }),
  );

  it.each(cases)('$fraction of $electorate needs $needed ballots', ({ quorum, electorate, needed: n }) => {
    expect(ballotsNeededForQuorum(electorate, quorum)).toBe(n);
    expect(isQuorumMet(n, electorate, quorum)).toBe(true);
    expect(isQuorumMet(n - 1, electorate, quorum)).toBe(false);
  });

  it('is always met by a quorum of zero, even with no ballots', () => {
    expect(isQuorumMet(0, 1000, { num: 0, den: 1 })).toBe(true);
    expect(ballotsNeededForQuorum(1000, { num: 0, den: 1 })).toBe(0);
  });
});
