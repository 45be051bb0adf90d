import { describe, expect, it } from 'vitest';
import { currentBylaws, parseBylaws } from '../../../policies/assembly/bylaws.js';
import { countedBallotOf, namingRefusal, proxyRulesOf, type MandateSide } from '../../../policies/assembly/proxies.js';

const allowed = { allowed: true };
const principalOf = (partnerId: string): MandateSide => ({ role: 'principal', partnerId });
const proxyFor = (partnerId: string): MandateSide => ({ role: 'proxy', partnerId });

describe('proxyRulesOf', () => {
  it('allows proxies under the founding bylaws, which say nothing (the statute: Art. 886 CO)', () => {
    expect(proxyRulesOf(currentBylaws)).toEqual({ allowed: true });
  });

  it('reads assembly.proxies when a version has it', () => {
    const bylaws = parseBylaws({ ...currentBylaws, version: 2, assembly: { proxies: { allowed: false } } });
    expect(proxyRulesOf(bylaws)).toEqual({ allowed: false });
  });

  it.each([{ proxies: { allowed: 'yes' } }, { proxies: {} }, { minDiscussionHours: -1 }, { quorum: 1 }])(
    'refuses a malformed assembly section %j',
    (assembly) => {
      expect(() => parseBylaws({ ...currentBylaws, version: 2, assembly })).toThrow(/assembly/);
    },
  );
});

describe('namingRefusal', () => {
  it.each([
    ['the bylaws forbid proxies', { allowed: false }, 'a', 'b', null, null, 'proxies_not_allowed'],
    ['naming oneself', allowed, 'a', 'a', null, null, 'proxy_is_self'],
    ['a second proxy', allowed, 'a', 'c', principalOf('b'), null, 'proxy_already_named'],
    ['a proxy naming a proxy', allowed, 'a', 'c', proxyFor('z'), null, 'proxy_chain'],
    ["naming someone's principal", allowed, 'a', 'b', null, principalOf('z'), 'proxy_chain'],
    ['one proxy for two principals', allowed, 'a', 'b', null, proxyFor('z'), 'proxy_already_representing'],
    ['the same naming again', allowed, 'a', 'b', principalOf('b'), proxyFor('a'), null],
    ['a revoked mandate', allowed, 'a', 'c', { ...principalOf('b'), revoked: true }, null, null],
    ['a fresh naming', allowed, 'a', 'b', null, null, null],
  ] as const)('%s', (_, rules, principal, proxy, principalHolds, proxyHolds, expected) => {
    expect(namingRefusal(rules, principal, proxy, principalHolds, proxyHolds)).toBe(expected);
  });
});

describe('countedBallotOf', () => {
  it.each([
    ['yes', 'no', 'yes'],
    ['yes', null, 'yes'],
    [null, 'no', 'no'],
    [null, null, null],
  ] as const)('own %s, by proxy %s → %s', (own, byProxy, expected) => {
    expect(countedBallotOf(own, byProxy)).toBe(expected);
  });
});
