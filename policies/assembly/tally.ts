import type { ThresholdBase } from './bylaws.js';
import { assertFraction, type Fraction } from '../shared/fraction.js';

export interface VoteCounts {
  readonly yes: number;
  readonly no: number;
  readonly abstain: number;
}

// The part of a proposal's frozen rules that counting needs.
export interface CountingRules {
  readonly quorum: Fraction;
  readonly threshold: Fraction;
  readonly thresholdBase: ThresholdBase;
}

export type TallyReason = 'approved' | 'quorum_not_met' | 'no_decisive_votes' | 'tie' | 'threshold_not_met';

export interface TallyTotals extends VoteCounts {
  readonly cast: number;
  readonly electorate: number;
}

export interface TallyResult {
  readonly outcome: 'approved' | 'rejected';
  readonly reason: TallyReason;
  readonly totals: TallyTotals;
}

// Decides a vote from its counts. Every comparison is a cross-multiplication in BigInt: no division or float.
// Reasons are checked in a fixed order so each outcome has exactly one reason: quorum, then
// no decisive votes (all abstained), then tie (yes = no), then threshold.
export function tallyVotes(counts: VoteCounts, electorate: number, rules: CountingRules): TallyResult {
  const { yes, no, abstain } = counts;
  assertCount(yes, 'yes');
  assertCount(no, 'no');
  assertCount(abstain, 'abstain');
  assertCount(electorate, 'electorate');
  assertFraction(rules.threshold, 'threshold');
  const cast = BigInt(yes) + BigInt(no) + BigInt(abstain);
  // More ballots than voters means the register or the box is corrupt: refuse rather than decide.
  if (cast > BigInt(electorate)) throw new Error(`${cast} ballots cast exceed the electorate of ${electorate}`);

  const totals: TallyTotals = { yes, no, abstain, cast: Number(cast), electorate };
  const reject = (reason: TallyReason): TallyResult => ({ outcome: 'rejected', reason, totals });

  if (!isQuorumMet(Number(cast), electorate, rules.quorum)) return reject('quorum_not_met');
  const decisive = BigInt(yes) + BigInt(no);
  if (decisive === 0n) return reject('no_decisive_votes');
  if (yes === no) return reject('tie');
  const base = rules.thresholdBase === 'cast' ? cast : decisive;
  const { num, den } = rules.threshold;
  if (BigInt(yes) * BigInt(den) > BigInt(num) * base) return { outcome: 'approved', reason: 'approved', totals };
  return reject('threshold_not_met');
}

// Quorum test T·den ≥ num·N, also usable while a vote is open since it needs only the turnout.
export function isQuorumMet(cast: number, electorate: number, quorum: Fraction): boolean {
  assertCount(cast, 'cast');
  assertCount(electorate, 'electorate');
  assertFraction(quorum, 'quorum');
  return BigInt(cast) * BigInt(quorum.den) >= BigInt(quorum.num) * BigInt(electorate);
}

// Smallest turnout that meets the quorum, ⌈num·N/den⌉, for showing members how far a vote is from valid.
export function ballotsNeededForQuorum(electorate: number, quorum: Fraction): number {
  assertCount(electorate, 'electorate');
  assertFraction(quorum, 'quorum');
  const den = BigInt(quorum.den);
  return Number((BigInt(quorum.num) * BigInt(electorate) + den - 1n) / den);
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${value}`);
}
