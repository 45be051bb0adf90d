import { describe, expect, it } from 'vitest';
import {
  candidateCategories,
  MAX_COUNT,
  matchesSearch,
  parseObservationSearch,
} from '../../../../services/fhir/domain/observation-search.js';

const parse = (query: Record<string, string | string[]>, lenient = false) =>
  parseObservationSearch(query, { lenient, memberId: 'me' });
const search = (query: Record<string, string | string[]>) => {
  const parsed = parse(query);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.search;
};
const heart = { category: 'heart-rate', effectiveAt: '2024-03-10T08:00:00.000Z' };
const weight = { category: 'body-weight', effectiveAt: '2024-04-10T08:00:00.000Z' };

describe('parseObservationSearch', () => {
  it('reads LOINC codes with a system, an empty system or none, comma as OR', () => {
    expect(search({ code: 'http://loinc.org|8867-4,29463-7' }).codes).toEqual([['heart-rate', 'body-weight']]);
    expect(search({ code: '|8867-4' }).codes).toEqual([['heart-rate']]);
    expect(search({ code: 'urn:other|8867-4' }).codes).toEqual([[]]);
  });

  it('defaults _count to 50, caps it at 200 and sorts by date', () => {
    expect(search({})).toMatchObject({ count: 50, sort: 'date' });
    expect(search({ _count: '100000' }).count).toBe(MAX_COUNT);
    expect(search({ _sort: '-date' }).sort).toBe('-date');
  });

  it.each([
    [{ foo: '1' }, 'unknown_parameter', 'foo'],
    [{ 'code:not': '8867-4' }, 'unknown_parameter', 'code:not'],
    [{ _count: '1.5' }, 'invalid_parameter', '_count'],
    [{ _count: ['1', '2'] }, 'invalid_parameter', '_count'],
    [{ _sort: 'code' }, 'invalid_parameter', '_sort'],
    [{ date: 'ap2024' }, 'invalid_parameter', 'date'],
    [{ code: '' }, 'invalid_parameter', 'code'],
  ])('refuses %j', (query, code, param) => {
    const parsed = parse(query);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatchObject({ code, param });
  });

  it('ignores unknown parameters when lenient, listing them and leaving them out of the applied ones', () => {
    const parsed = parse({ foo: '1', code: '8867-4' }, true);
    expect(parsed.ok && parsed.search.ignored).toEqual(['foo']);
    expect(parsed.ok && parsed.search.applied).toEqual([['code', '8867-4']]);
  });

  it('writes the applied parameters in one order whatever the order of the query (the paging key)', () => {
    expect(search({ date: 'ge2024', code: '8867-4' }).applied).toEqual(
      search({ code: '8867-4', date: 'ge2024' }).applied,
    );
  });
});

describe('matchesSearch', () => {
  it.each([
    [{ code: '8867-4' }, heart, true],
    [{ code: '8867-4' }, weight, false],
    [{ code: '8867-4', date: 'ge2024-04' }, heart, false],
    [{ category: 'vital-signs' }, heart, true],
    [{ category: 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory' }, heart, false],
    [{ date: ['ge2024-03', 'lt2024-04'] }, heart, true],
    [{ date: ['ge2024-03', 'lt2024-04'] }, weight, false],
    [{ patient: 'Patient/me' }, heart, true],
    [{ patient: 'someone-else' }, heart, false],
  ])('%j on %j: %s', (query, observation, expected) =>
    expect(matchesSearch(observation, search(query))).toBe(expected),
  );

  it('reads only the categories every code parameter allows', () => {
    expect(candidateCategories(search({}))).toBeUndefined();
    expect(candidateCategories(search({ code: ['8867-4,29463-7', '29463-7'] }))).toEqual(['body-weight']);
  });
});
