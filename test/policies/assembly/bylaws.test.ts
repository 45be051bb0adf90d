import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  currentBylaws,
  InvalidBylawsError,
  isProposalKind,
  maxDeltaOf,
  parseBylaws,
  reminderLeadHoursFor,
} from '../../../policies/assembly/bylaws.js';

// Tests break the raw JSON in arbitrary ways on purpose, so it is deliberately untyped here.

type LooseJson = Record<string, any>;

// The raw file, read as JSON text, so each test can break one thing in a fresh copy.
const rawBylaws = (): LooseJson =>
  JSON.parse(readFileSync(new URL('../../../policies/assembly/bylaws.json', import.meta.url), 'utf8'));

function problemsOf(json: unknown): readonly string[] {
  try {
    parseBylaws(json);
  } catch (error) {
    if (error instanceof InvalidBylawsError) return error.problems;
    throw error;
  }
  return [];
}

describe('founding bylaws', () => {
  it('are version 1, adopted at the founding', () => {
    expect(currentBylaws.version).toBe(1);
    expect(currentBylaws.adoptedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('approve access policies by a simple majority of decisive votes, quorum 1/10, over 7 to 21 days', () => {
    expect(currentBylaws.proposalKinds['access-policy']).toEqual({
      quorum: { num: 1, den: 10 },
      threshold: { num: 1, den: 2 },
      thresholdBase: 'decisive',
      votingWindow: { minHours: 168, maxHours: 504 },
      ballotMode: 'secret',
    });
  });

  it('make revocation easier to reach than approval: quorum 1/20 over 3 to 14 days', () => {
    expect(currentBylaws.proposalKinds['revoke-policy']).toMatchObject({
      quorum: { num: 1, den: 20 },
      threshold: { num: 1, den: 2 },
      thresholdBase: 'decisive',
      votingWindow: { minHours: 72, maxHours: 336 },
    });
  });

  it('amend the bylaws only by 2/3 of votes cast, quorum 1/5, over 14 to 28 days', () => {
    expect(currentBylaws.proposalKinds['amend-bylaws']).toMatchObject({
      quorum: { num: 1, den: 5 },
      threshold: { num: 2, den: 3 },
      thresholdBase: 'cast',
      votingWindow: { minHours: 336, maxHours: 672 },
    });
  });

  it('use secret ballots for every kind', () => {
    expect(Object.values(currentBylaws.proposalKinds).map((rules) => rules.ballotMode)).toEqual([
      'secret',
      'secret',
      'secret',
    ]);
  });

  it('set privacy defaults: cells under 11 suppressed, ε 1 by default and 3 at most per policy', () => {
    expect(currentBylaws.privacy).toEqual({ minCellSize: 11, defaultEpsilon: 1, maxEpsilonPerPolicy: 3 });
    expect(currentBylaws.publication).toEqual({ participationListMinVoters: 11 });
  });

  it('remind 48 hours ahead by default, with per-kind overrides', () => {
    expect(reminderLeadHoursFor(currentBylaws, 'access-policy')).toBe(48);
    expect(reminderLeadHoursFor(currentBylaws, 'revoke-policy')).toBe(24);
    expect(reminderLeadHoursFor(currentBylaws, 'amend-bylaws')).toBe(72);
  });

  it('are frozen, so no code path can change the law in memory', () => {
    expect(Object.isFrozen(currentBylaws)).toBe(true);
    expect(Object.isFrozen(currentBylaws.proposalKinds['access-policy'].quorum)).toBe(true);
  });
});

describe('parseBylaws', () => {
  it('accepts the shipped file and returns an equal copy', () => {
    expect(parseBylaws(rawBylaws())).toEqual(currentBylaws);
  });

  it('defaults the ballot mode to secret', () => {
    const json = rawBylaws();
    delete json.proposalKinds['access-policy'].ballotMode;
    expect(parseBylaws(json).proposalKinds['access-policy'].ballotMode).toBe('secret');
  });

  it.each<[string, (json: LooseJson) => void, RegExp]>([
    [
      'a threshold below 1/2',
      (j) => (j.proposalKinds['access-policy'].threshold = { num: 1, den: 3 }),
      /at least 1\/2/,
    ],
    ['a threshold of 1', (j) => (j.proposalKinds['access-policy'].threshold = { num: 2, den: 2 }), /less than 1/],
    ['a quorum above 1', (j) => (j.proposalKinds['revoke-policy'].quorum = { num: 11, den: 10 }), /not exceed 1/],
    ['a zero denominator', (j) => (j.proposalKinds['revoke-policy'].quorum.den = 0), /quorum\.den/],
    ['a negative numerator', (j) => (j.proposalKinds['revoke-policy'].quorum.num = -1), /quorum\.num/],
    ['a fractional numerator', (j) => (j.proposalKinds['revoke-policy'].quorum.num = 0.1), /quorum\.num/],
    ['a numerator given as text', (j) => (j.proposalKinds['revoke-policy'].quorum.num = '1'), /quorum\.num/],
    ['an inverted window', (j) => (j.proposalKinds['amend-bylaws'].votingWindow.minHours = 700), /minHours/],
    [
      'an unknown threshold base',
      (j) => (j.proposalKinds['amend-bylaws'].thresholdBase = 'majority'),
      /decisive, cast/,
    ],
    ['an unknown ballot mode', (j) => (j.proposalKinds['amend-bylaws'].ballotMode = 'public'), /secret, open/],
    [
      'a misspelt field',
      (j) => (j.proposalKinds['access-policy'].quorom = { num: 1, den: 2 }),
      /quorom is not a known/,
    ],
    ['a missing kind', (j) => delete j.proposalKinds['revoke-policy'], /revoke-policy is missing/],
    ['an unknown kind', (j) => (j.proposalKinds['expel-member'] = {}), /expel-member is not a known/],
    ['a cell size of one member', (j) => (j.privacy.minCellSize = 1), /minCellSize/],
    ['a default ε above the maximum', (j) => (j.privacy.defaultEpsilon = 4), /defaultEpsilon must not exceed/],
    ['a zero ε', (j) => (j.privacy.maxEpsilonPerPolicy = 0), /maxEpsilonPerPolicy/],
    ['a date without a time zone', (j) => (j.adoptedAt = '2025-01-01'), /adoptedAt/],
    ['version zero', (j) => (j.version = 0), /version/],
    ['a missing privacy section', (j) => delete j.privacy, /privacy is missing/],
    ['a zero reminder lead', (j) => (j.reminderLeadHours = 0), /reminderLeadHours/],
    [
      'no participation threshold',
      (j) => delete j.publication.participationListMinVoters,
      /participationListMinVoters/,
    ],
  ])('refuses %s', (_case, breakIt, problem) => {
    const json = rawBylaws();
    breakIt(json);
    expect(
      problemsOf(json).some((p) => problem.test(p)),
      problemsOf(json).join('\n'),
    ).toBe(true);
  });

  it('lists every problem at once', () => {
    const json = rawBylaws();
    json.version = 'one';
    json.privacy.minCellSize = 0;
    json.proposalKinds['amend-bylaws'].threshold = { num: 1, den: 4 };
    expect(problemsOf(json)).toHaveLength(3);
    expect(() => parseBylaws(json)).toThrow(/invalid bylaws:\n- version/);
  });

  it.each([null, [], 'bylaws', 42])('refuses %j as bylaws', (json) => {
    expect(problemsOf(json)).toEqual(['bylaws must be an object']);
  });
});

describe('δ of (ε, δ)-differential privacy', () => {
  it('is 0 in the founding bylaws: every release must be pure ε-DP until the assembly votes otherwise', () => {
    expect(currentBylaws.privacy.maxDeltaPerPolicy).toBeUndefined();
    expect(maxDeltaOf(currentBylaws)).toBe(0);
  });

  it.each([0, 1e-9, 1e-6, 0.001])('may be voted to %d', (delta) => {
    const json = rawBylaws();
    json.privacy.maxDeltaPerPolicy = delta;
    expect(maxDeltaOf(parseBylaws(json))).toBe(delta);
  });

  it.each<[string, unknown]>([
    ['negative', -1e-6],
    ['above 1e-3 (no protection for a cohort of a thousand)', 0.01],
    ['given as text', '1e-6'],
  ])('refuses a δ that is %s', (_, delta) => {
    const json = rawBylaws();
    json.privacy.maxDeltaPerPolicy = delta;
    expect(problemsOf(json)).toEqual([
      expect.stringMatching(/^privacy\.maxDeltaPerPolicy must be a number from 0 to 0\.001/),
    ]);
  });
});

describe('proposal kinds', () => {
  it.each([
    ['access-policy', true],
    ['revoke-policy', true],
    ['amend-bylaws', true],
    ['expel-member', false],
    [undefined, false],
  ])('%s is a kind: %s', (value, expected) => {
    expect(isProposalKind(value)).toBe(expected);
  });
});
