import { describe, expect, it } from 'vitest';
import { parseEffectiveTime } from '../../../policies/observations/observation-time.js';

describe('parseEffectiveTime', () => {
  it.each([
    ['2024-03-14T07:00:00Z', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14T07:00Z', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14T08:00:00+01:00', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14T08:00:00+0100', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14T07:00:00.9999Z', '2024-03-14T07:00:00.999Z'],
    ['2024-03-14T07:00:00.5Z', '2024-03-14T07:00:00.500Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2024-03-14T20:00:00+14:00', '2024-03-14T06:00:00.000Z'],
    [' 2024-03-14 ', '2024-03-14T00:00:00.000Z'],
    ['0050-06-15', '0050-06-15T00:00:00.000Z'],
  ])('reads %j as %s', (text, iso) => {
    const result = parseEffectiveTime(text);
    expect(result.ok && new Date(result.epochMs).toISOString()).toBe(iso);
  });

  it.each([
    ['2024-03-14T24:00:00Z', 'invalid_time'],
    ['2024-03-14T07:60:00Z', 'invalid_time'],
    ['2024-03-14T07:00:00+15:00', 'invalid_time'],
    ['2024-04-31', 'invalid_time'],
    ['2024-00-10', 'invalid_time'],
    ['14/03/2024', 'invalid_time'],
    ['1710399600000', 'invalid_time'],
    ['', 'invalid_time'],
    ['2024', 'imprecise_time'],
    ['2024-03', 'imprecise_time'],
    ['2024-03-14T07:00:00', 'missing_timezone'],
  ])('refuses %j with %s', (text, code) => {
    expect(parseEffectiveTime(text)).toMatchObject({ ok: false, code });
  });
});
