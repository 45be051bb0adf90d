import { describe, expect, it } from 'vitest';
import { dateBounds, matchesDate, parseDateValue } from '../../../../services/fhir/domain/date-search.js';

const criterion = (raw: string) => {
  const parsed = parseDateValue(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.criterion;
};
const at = (iso: string) => Date.parse(iso);

describe('parseDateValue', () => {
  it.each([
    ['2024', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2024-12', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2024-03-05T10:15', '2024-03-05T10:15:00.000Z', '2024-03-05T10:16:00.000Z'],
    ['2024-03-05T10:15:30Z', '2024-03-05T10:15:30.000Z', '2024-03-05T10:15:31.000Z'],
    ['2024-03-05T10:15:30.5Z', '2024-03-05T10:15:30.500Z', '2024-03-05T10:15:30.600Z'],
    ['2024-03-05T11:15:30+01:00', '2024-03-05T10:15:30.000Z', '2024-03-05T10:15:31.000Z'],
  ])('reads %s as [%s, %s)', (raw, start, end) => {
    const c = criterion(raw);
    expect(new Date(c.startMs).toISOString()).toBe(start);
    expect(new Date(c.endMs).toISOString()).toBe(end);
    expect(c.prefix).toBe('eq');
  });

  it.each([
    'xx2024',
    'ap2024',
    '2024-13',
    '2023-02-29',
    '2024-1',
    '24',
    '2024-03-05T25:00',
    'ge',
    '2024-03-05T10:00+15:00',
  ])('refuses %s', (raw) => expect(parseDateValue(raw).ok).toBe(false));
});

describe('matchesDate', () => {
  it.each([
    ['eq2024-03', '2024-03-01T00:00:00Z', true],
    ['eq2024-03', '2024-04-01T00:00:00Z', false],
    ['ne2024-03', '2024-04-01T00:00:00Z', true],
    ['ne2024-03', '2024-03-31T23:59:59Z', false],
    ['lt2024-03', '2024-02-29T23:59:59Z', true],
    ['lt2024-03', '2024-03-01T00:00:00Z', false],
    ['le2024-03', '2024-03-31T23:59:59Z', true],
    ['le2024-03', '2024-04-01T00:00:00Z', false],
    ['gt2024-03', '2024-04-01T00:00:00Z', true],
    ['gt2024-03', '2024-03-31T23:59:59Z', false],
    ['ge2024-03', '2024-03-01T00:00:00Z', true],
    ['ge2024-03', '2024-02-29T23:59:59Z', false],
    ['sa2024-03-15', '2024-03-16T00:00:00Z', true],
    ['sa2024-03-15', '2024-03-15T12:00:00Z', false],
    ['eb2024-03-15', '2024-03-14T23:59:59Z', true],
    ['eb2024-03-15', '2024-03-15T00:00:00Z', false],
  ])('%s at %s: %s', (raw, instant, expected) => expect(matchesDate(at(instant), criterion(raw))).toBe(expected));
});

describe('dateBounds', () => {
  it('narrows to the instants every parameter allows, the widest of each parameter’s alternatives', () => {
    const bounds = dateBounds([[criterion('ge2024-03')], [criterion('lt2024-05'), criterion('eq2024-01')]]);
    expect(new Date(bounds.fromMs).toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(new Date(bounds.toMs).toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(dateBounds([[criterion('ne2024')]])).toEqual({ fromMs: -Infinity, toMs: Infinity });
  });
});
