import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';
import {
  PSEUDONYM_HEX_LENGTH,
  pseudonym,
  pseudonymiseObservation,
  truncateDate,
} from '../../../policies/research/pseudonym.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);

describe('pseudonym', () => {
  it('is the first 128 bits of HMAC-SHA-256(policyKey, memberId) in hex', () => {
    const full = createHmac('sha256', key).update('member-1').digest('hex');
    expect(pseudonym(key, 'member-1')).toBe(full.slice(0, 32));
    expect(pseudonym(key, 'member-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(PSEUDONYM_HEX_LENGTH).toBe(32);
  });

  it('is stable within a study and unlinkable across studies', () => {
    expect(pseudonym(key, 'member-1')).toBe(pseudonym(key, 'member-1'));
    expect(pseudonym(key, 'member-1')).not.toBe(pseudonym(key, 'member-2'));
    expect(pseudonym(key, 'member-1')).not.toBe(pseudonym(otherKey, 'member-1'));
  });

  it('refuses a short key or an empty member id', () => {
    expect(() => pseudonym(new Uint8Array(16), 'member-1')).toThrow(/32 bytes/);
    expect(() => pseudonym(key, '')).toThrow();
  });
});

describe('truncateDate', () => {
  it.each([
    ['month', '2024-03'],
    ['day', '2024-03-17'],
    ['year', '2024'],
  ] as const)('to the %s', (truncation, expected) => {
    expect(truncateDate('2024-03-17T07:15:00.000Z', truncation)).toBe(expected);
  });

  it('truncates in UTC', () => {
    expect(truncateDate('2024-03-31T23:30:00.000Z', 'month')).toBe('2024-03');
  });

  it('refuses a value that is not a time, and an unknown truncation', () => {
    expect(() => truncateDate('yesterday', 'month')).toThrow();
    expect(() => truncateDate('2024-03-17T07:15:00.000Z', 'week' as never)).toThrow();
  });
});

describe('pseudonymiseObservation', () => {
  const observation: NormalisedObservation = {
    category: 'blood-pressure',
    unit: 'mm[Hg]',
    effectiveAt: '2024-03-17T07:15:00.000Z',
    source: 'device',
    note: 'after climbing the stairs at Dr Müller, Bahnhofstrasse 1',
    components: { systolic: 128, diastolic: 84 },
  };
  const groups = { ageBand: '40-49', sex: 'female', region: 'CH04' };

  it('keeps only whitelisted fields: no note, no source, no exact time', () => {
    const record = pseudonymiseObservation(observation, 'member-1', key, {
      dateTruncation: 'month',
      profileFields: [],
    });
    expect(record).toEqual({
      pseudonym: pseudonym(key, 'member-1'),
      category: 'blood-pressure',
      unit: 'mm[Hg]',
      effective: '2024-03',
      components: { systolic: 128, diastolic: 84 },
    });
    expect(JSON.stringify(record)).not.toContain('Müller');
  });

  it('adds only the profile groups the policy names', () => {
    const record = pseudonymiseObservation(
      { ...observation, components: undefined, value: 70, category: 'heart-rate', unit: '/min' },
      'member-1',
      key,
      { dateTruncation: 'year', profileFields: ['ageBand'] },
      groups,
    );
    expect(record).toMatchObject({ value: 70, effective: '2024', profile: { ageBand: '40-49' } });
    expect(record.profile).toEqual({ ageBand: '40-49' });
  });
});
