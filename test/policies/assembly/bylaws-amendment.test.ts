import { describe, expect, it } from 'vitest';
import { currentBylaws, InvalidBylawsError } from '../../../policies/assembly/bylaws.js';
import {
  applyAmendment,
  type BylawsAmendment,
  bylawsInForce,
  parseBylawsAmendment,
} from '../../../policies/assembly/bylaws-amendment.js';
import { rulesDigest, rulesForProposal } from '../../../policies/assembly/proposal-rules.js';

const adoptedAt = Date.parse('2025-06-01T00:00:00.000Z');
const raiseAccessQuorum: BylawsAmendment = {
  proposalKinds: { 'access-policy': { quorum: { num: 3, den: 20 } } },
};

describe('applyAmendment', () => {
  const next = applyAmendment(currentBylaws, raiseAccessQuorum, adoptedAt);

  it('produces the next version, adopted when the vote was finalised', () => {
    expect(next.version).toBe(2);
    expect(next.adoptedAt).toBe('2025-06-01T00:00:00.000Z');
  });

  it('changes only what the amendment names', () => {
    expect(next.proposalKinds['access-policy'].quorum).toEqual({ num: 3, den: 20 });
    expect(next.proposalKinds['access-policy'].threshold).toEqual(
      currentBylaws.proposalKinds['access-policy'].threshold,
    );
    expect(next.proposalKinds['amend-bylaws']).toEqual(currentBylaws.proposalKinds['amend-bylaws']);
    expect(next.privacy).toEqual(currentBylaws.privacy);
  });

  it('leaves the current version untouched', () => {
    expect(currentBylaws.version).toBe(1);
    expect(currentBylaws.proposalKinds['access-policy'].quorum).toEqual({ num: 1, den: 10 });
  });

  it('removes an optional field set to null, falling back to the bylaws-wide default', () => {
    const amended = applyAmendment(
      currentBylaws,
      { proposalKinds: { 'revoke-policy': { reminderLeadHours: null } } },
      adoptedAt,
    );
    expect(amended.proposalKinds['revoke-policy'].reminderLeadHours).toBeUndefined();
    expect(rulesForProposal(amended, 'revoke-policy').reminderLeadHours).toBe(48);
  });

  it('refuses an amendment whose result would not be valid bylaws', () => {
    const lowerThreshold = { proposalKinds: { 'amend-bylaws': { threshold: { num: 1, den: 3 } } } };
    expect(() => applyAmendment(currentBylaws, lowerThreshold, adoptedAt)).toThrow(InvalidBylawsError);
  });

  it('refuses to remove a required field', () => {
    expect(() => applyAmendment(currentBylaws, { privacy: { minCellSize: null } }, adoptedAt)).toThrow(
      /privacy\.minCellSize is missing/,
    );
  });

  it('refuses an adoption time not later than the current version', () => {
    expect(() => applyAmendment(currentBylaws, raiseAccessQuorum, Date.parse(currentBylaws.adoptedAt))).toThrow(
      /later than the current version/,
    );
  });

  it('chains: a second amendment builds on the first', () => {
    const third = applyAmendment(next, { privacy: { minCellSize: 20 } }, adoptedAt + 1);
    expect(third.version).toBe(3);
    expect(third.proposalKinds['access-policy'].quorum).toEqual({ num: 3, den: 20 });
    expect(third.privacy.minCellSize).toBe(20);
  });
});

describe('parseBylawsAmendment', () => {
  it('accepts a patch that gives valid bylaws', () => {
    expect(parseBylawsAmendment(currentBylaws, raiseAccessQuorum)).toEqual(raiseAccessQuorum);
  });

  it.each([
    ['a patch that sets the version', { version: 7 }, /may not set version/],
    ['a patch that sets adoptedAt', { adoptedAt: '2030-01-01T00:00:00.000Z' }, /may not set adoptedAt/],
    ['an empty patch', {}, /changes nothing/],
    ['a patch restating current values', { privacy: { minCellSize: 11 } }, /changes nothing/],
    ['a patch with a misspelt field', { privacy: { minCelSize: 5 } }, /minCelSize is not a known field/],
    ['a patch that is not an object', [1, 2], /must be an object/],
  ])('refuses %s', (_case, json, problem) => {
    expect(() => parseBylawsAmendment(currentBylaws, json)).toThrow(problem);
  });
});

describe('amendments apply only to proposals opened after them', () => {
  const v2 = applyAmendment(currentBylaws, raiseAccessQuorum, adoptedAt);
  const history = [currentBylaws, v2];

  it.each([
    ['opened before the amendment was adopted', adoptedAt - 1, 1],
    ['opened at the instant of adoption', adoptedAt, 2],
    ['opened after adoption', adoptedAt + 1, 2],
  ])('a proposal %s is governed by version %i', (_case, openedAt, version) => {
    expect(bylawsInForce(history, openedAt).version).toBe(version);
    expect(bylawsInForce([...history].reverse(), new Date(openedAt)).version).toBe(version);
  });

  it('keeps the rules frozen into an open proposal when the bylaws change', () => {
    const frozen = rulesForProposal(bylawsInForce(history, adoptedAt - 1), 'access-policy');
    const digestAtOpening = rulesDigest(frozen);
    const later = rulesForProposal(bylawsInForce(history, adoptedAt + 1), 'access-policy');
    expect(frozen.quorum).toEqual({ num: 1, den: 10 });
    expect(frozen.bylawsVersion).toBe(1);
    expect(later.quorum).toEqual({ num: 3, den: 20 });
    expect(rulesDigest(frozen)).toBe(digestAtOpening);
    expect(rulesDigest(later)).not.toBe(digestAtOpening);
  });

  it('has no bylaws before the founding', () => {
    expect(() => bylawsInForce(history, Date.parse(currentBylaws.adoptedAt) - 1)).toThrow(/no bylaws/);
  });
});

describe('rulesForProposal', () => {
  it('copies the kind rules with their version and the resolved reminder lead time', () => {
    expect(rulesForProposal(currentBylaws, 'access-policy')).toEqual({
      kind: 'access-policy',
      bylawsVersion: 1,
      quorum: { num: 1, den: 10 },
      threshold: { num: 1, den: 2 },
      thresholdBase: 'decisive',
      votingWindow: { minHours: 168, maxHours: 504 },
      ballotMode: 'secret',
      reminderLeadHours: 48,
    });
  });

  it('gives a digest that does not depend on key order', () => {
    const rules = rulesForProposal(currentBylaws, 'amend-bylaws');
    const reordered = Object.fromEntries(Object.entries(rules).reverse()) as typeof rules;
    expect(rulesDigest(reordered)).toBe(rulesDigest(rules));
    expect(rulesDigest(rules)).toMatch(/^[0-9a-f]{64}$/);
  });
});
