import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ballotListDigest,
  isBallotChoice,
  mayPublishParticipationList,
  type PublishedBallot,
  receiptFromSecret,
  serialiseBallotList,
  sortBallotList,
  tallyFromBallotList,
} from '../../../policies/assembly/ballot-receipts.js';
import { tallyVotes } from '../../../policies/assembly/tally.js';

const receipt = (digit: string): string => digit.repeat(64);
const list: PublishedBallot[] = [
  { receipt: receipt('c'), choice: 'no' },
  { receipt: receipt('a'), choice: 'yes' },
  { receipt: receipt('2'), choice: 'abstain' },
  { receipt: receipt('b'), choice: 'yes' },
];

describe('receipts', () => {
  it('are the SHA-256 of the secret bytes, not of its hex text', () => {
    // Known vector: SHA-256 of 32 zero bytes.
    expect(receiptFromSecret('0'.repeat(64))).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });

  it('differ for different secrets', () => {
    expect(receiptFromSecret('1'.repeat(64))).not.toBe(receiptFromSecret('2'.repeat(64)));
  });

  it.each([
    ['too short', '0'.repeat(63)],
    ['too long', '0'.repeat(66)],
    ['uppercase', 'A'.repeat(64)],
    ['not hex', 'g'.repeat(64)],
  ])('refuse a secret that is %s', (_case, secret) => {
    expect(() => receiptFromSecret(secret)).toThrow(/64 lowercase hex/);
  });
});

describe('published ballot list', () => {
  it('is sorted by receipt, whatever order the ballots were cast in', () => {
    expect(sortBallotList(list).map((b) => b.receipt[0])).toEqual(['2', 'a', 'b', 'c']);
  });

  it('serialises as one `receipt:choice` line per ballot', () => {
    expect(serialiseBallotList(list)).toBe(
      `${receipt('2')}:abstain\n${receipt('a')}:yes\n${receipt('b')}:yes\n${receipt('c')}:no\n`,
    );
  });

  it('has a digest anyone can recompute with plain SHA-256 over those lines', () => {
    const lines = [...list]
      .sort((x, y) => (x.receipt < y.receipt ? -1 : 1))
      .map((b) => `${b.receipt}:${b.choice}\n`)
      .join('');
    expect(ballotListDigest(list)).toBe(createHash('sha256').update(lines, 'utf8').digest('hex'));
    expect(ballotListDigest([...list].reverse())).toBe(ballotListDigest(list));
  });

  it('has the digest of the empty string when nobody voted', () => {
    expect(ballotListDigest([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('changes its digest when any choice changes', () => {
    const altered = list.map((b, i) => (i === 0 ? { ...b, choice: 'yes' as const } : b));
    expect(ballotListDigest(altered)).not.toBe(ballotListDigest(list));
  });

  it('recounts to the published totals', () => {
    const counts = tallyFromBallotList(list);
    expect(counts).toEqual({ yes: 2, no: 1, abstain: 1 });
    expect(
      tallyVotes(counts, 10, {
        quorum: { num: 1, den: 10 },
        threshold: { num: 1, den: 2 },
        thresholdBase: 'decisive',
      }),
    ).toMatchObject({ outcome: 'approved', totals: { cast: 4 } });
  });

  it.each([
    ['a duplicate receipt (one secret counted twice)', [...list, { receipt: receipt('a'), choice: 'no' }], /duplicate/],
    ['an uppercase receipt', [{ receipt: 'A'.repeat(64), choice: 'yes' }], /invalid receipt/],
    ['an unknown choice', [{ receipt: receipt('d'), choice: 'maybe' }], /invalid choice/],
  ])('refuses %s', (_case, broken, problem) => {
    expect(() => ballotListDigest(broken as PublishedBallot[])).toThrow(problem);
    expect(() => tallyFromBallotList(broken as PublishedBallot[])).toThrow(problem);
  });
});

describe('ballot choices', () => {
  it.each([
    ['yes', true],
    ['no', true],
    ['abstain', true],
    ['Yes', false],
    ['', false],
    [null, false],
  ])('%j is a choice: %s', (value, expected) => {
    expect(isBallotChoice(value)).toBe(expected);
  });
});

describe('participation list', () => {
  it.each([
    [10, false],
    [11, true],
    [5000, true],
  ])('with %i voters may be published: %s', (voters, expected) => {
    expect(mayPublishParticipationList(voters, { participationListMinVoters: 11 })).toBe(expected);
  });
});
