import { describe, expect, it } from 'vitest';
import catalogueJson from '../../../policies/observations/catalogue.json' with { type: 'json' };
import {
  findAcceptedUnit,
  findCategory,
  findCategoryByLoinc,
  findComponentByLoinc,
  formatForDisplay,
  fromCanonical,
  isValidLoincCode,
  listCategories,
  readCatalogue,
  roundStored,
  toCanonical,
  type Category,
} from '../../../policies/observations/catalogue.js';

function category(code: string): Category {
  const found = findCategory(code);
  if (!found) throw new Error(`no category ${code}`);
  return found;
}

describe('catalogue', () => {
  it.each([
    ['heart-rate', '8867-4', '/min'],
    ['blood-pressure', '85354-9', 'mm[Hg]'],
    ['body-weight', '29463-7', 'kg'],
    ['body-height', '8302-2', 'cm'],
    ['bmi', '39156-5', 'kg/m2'],
    ['body-temperature', '8310-5', 'Cel'],
    ['oxygen-saturation', '2708-6', '%'],
    ['respiratory-rate', '9279-1', '/min'],
    ['steps', '41950-7', '/d'],
    ['sleep-duration', '93832-4', 'h'],
    ['blood-glucose', '15074-8', 'mmol/L'],
  ])('has %s with LOINC %s in canonical unit %s', (code, loinc, unit) => {
    expect(category(code)).toMatchObject({ loinc, unit });
  });

  it('holds exactly the eleven categories of the specification', () => {
    expect(listCategories()).toHaveLength(11);
  });

  it.each([
    ['59408-5', 'oxygen-saturation'],
    ['2708-6', 'oxygen-saturation'],
    ['2339-0', 'blood-glucose'],
    ['15074-8', 'blood-glucose'],
    ['55284-4', 'blood-pressure'],
    ['8867-4', 'heart-rate'],
  ])('finds the category of LOINC %s (%s)', (loinc, code) => {
    expect(findCategoryByLoinc(loinc)?.code).toBe(code);
  });

  it('finds nothing for a LOINC code outside the catalogue', () => {
    expect(findCategoryByLoinc('8480-6')).toBeUndefined();
    expect(findCategory('heart-beat')).toBeUndefined();
  });

  it('names the blood pressure components by their LOINC codes', () => {
    const bp = category('blood-pressure');
    expect(findComponentByLoinc(bp, '8480-6')?.name).toBe('systolic');
    expect(findComponentByLoinc(bp, '8462-4')?.name).toBe('diastolic');
    expect(findComponentByLoinc(bp, '8478-0')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(category('body-weight').acceptedUnits[0])).toBe(true);
  });
});

describe('LOINC check digit', () => {
  it.each([
    ['8867-4', true],
    ['85354-9', true],
    ['8480-6', true],
    ['41950-7', true],
    ['8867-5', false],
    ['88674', false],
    ['', false],
  ])('%s is valid: %s', (code, valid) => {
    expect(isValidLoincCode(code)).toBe(valid);
  });
});

describe('unit conversion to the canonical unit', () => {
  it.each([
    ['body-weight', 1, '[lb_av]', 0.45359237],
    ['body-weight', 150, 'lb', 68.0388555],
    ['body-weight', 165.4, '[lb_av]', 75.024177998],
    ['body-weight', 10, '[stone_av]', 63.5029318],
    ['body-weight', 500, 'g', 0.5],
    ['body-weight', 72.5, 'kg', 72.5],
    ['body-temperature', 98.6, '[degF]', 37],
    ['body-temperature', 32, 'degF', 0],
    ['body-temperature', 212, '°F', 100],
    ['body-temperature', 100.4, '[degF]', 38],
    ['body-temperature', 310.15, 'K', 37],
    ['body-temperature', 36.6, '°C', 36.6],
    ['blood-glucose', 180.156, 'mg/dL', 10],
    ['blood-glucose', 90, 'mg/dL', 4.99567041897],
    ['blood-glucose', 100, 'mg/dl', 5.55074490997],
    ['blood-glucose', 5.5, 'mmol/l', 5.5],
    ['body-height', 70, '[in_i]', 177.8],
    ['body-height', 70, 'in', 177.8],
    ['body-height', 66.899999999999991, '[in_i]', 169.926],
    ['body-height', 6, '[ft_i]', 182.88],
    ['body-height', 1.8, 'm', 180],
    ['blood-pressure', 16, 'kPa', 120.010200867],
    ['blood-pressure', 120, 'mmHg', 120],
    ['heart-rate', 72, 'bpm', 72],
    ['heart-rate', 72, '{beats}/min', 72],
    ['heart-rate', 72, 'beats/min', 72],
    ['respiratory-rate', 14, '{breaths}/min', 14],
    ['steps', 8500, '{steps}/d', 8500],
    ['steps', 8500, '/(24.h)', 8500],
    ['sleep-duration', 450, 'min', 7.5],
    ['sleep-duration', 27000, 's', 7.5],
    ['bmi', 22.4, 'kg/m2', 22.4],
    ['oxygen-saturation', 97, '%', 97],
  ])('%s: %s %s is %s in the canonical unit', (code, value, unit, expected) => {
    expect(toCanonical(category(code), value, unit)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['heart-rate', 'kg'],
    ['body-temperature', 'C'],
    ['body-weight', 'stone'],
    ['blood-glucose', 'mg'],
    ['steps', ''],
  ])('refuses %s in %j', (code, unit) => {
    expect(toCanonical(category(code), 1, unit)).toMatchObject({ ok: false, code: 'unit_not_accepted' });
  });

  it('lists the accepted units in the refusal', () => {
    const result = toCanonical(category('body-weight'), 1, 'stone');
    expect(result.ok || result.message).toContain('[lb_av]');
  });

  it('prefers the exact UCUM spelling and falls back to a case-insensitive match', () => {
    expect(findAcceptedUnit(category('blood-glucose'), 'mg/dL')?.unit).toBe('mg/dL');
    expect(findAcceptedUnit(category('blood-glucose'), 'MG/DL')?.unit).toBe('mg/dL');
    expect(findAcceptedUnit(category('heart-rate'), ' bpm ')?.unit).toBe('bpm');
  });
});

describe('unit conversion from the canonical unit', () => {
  it.each([
    ['blood-glucose', 5.5, 'mg/dL', 99.0858],
    ['blood-glucose', 7.8, 'mg/dL', 140.52168],
    ['body-temperature', 37, '[degF]', 98.6],
    ['body-temperature', 0, '[degF]', 32],
    ['body-weight', 68.0388555, '[lb_av]', 150],
    ['body-height', 177.8, '[in_i]', 70],
  ])('%s: %s canonical is %s %s', (code, value, unit, expected) => {
    expect(fromCanonical(category(code), value, unit)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['blood-glucose', 90, 'mg/dL'],
    ['blood-glucose', 126, 'mg/dL'],
    ['body-temperature', 101.3, '[degF]'],
    ['body-weight', 201.7, '[lb_av]'],
    ['body-height', 5.75, '[ft_i]'],
  ])('%s: %s %s survives a round trip through the canonical unit', (code, value, unit) => {
    const canonical = toCanonical(category(code), value, unit);
    if (!canonical.ok) throw new Error(canonical.message);
    expect(fromCanonical(category(code), canonical.value, unit)).toEqual({ ok: true, value });
  });
});

describe('rounding', () => {
  it('removes binary floating-point noise in storage', () => {
    expect(roundStored(0.1 + 0.2)).toBe(0.3);
    expect(roundStored(-0)).toBe(0);
    expect(Object.is(roundStored(-0), 0)).toBe(true);
  });

  it('shows the catalogue decimals to people', () => {
    expect(formatForDisplay(category('body-weight'), 68.0388555)).toBe('68.0');
    expect(formatForDisplay(category('heart-rate'), 71.6)).toBe('72');
  });
});

describe('catalogue checks', () => {
  type Raw = { categories: Record<string, unknown>[] };
  const broken = (change: (raw: Raw) => void): Raw => {
    const raw = structuredClone(catalogueJson) as unknown as Raw;
    change(raw);
    return raw;
  };
  const first = (raw: Raw): Record<string, unknown> => raw.categories[0] as Record<string, unknown>;

  it('accepts the shipped catalogue', () => {
    expect(readCatalogue(catalogueJson)).toHaveLength(11);
  });

  it.each([
    ['a mistyped LOINC code', (raw: Raw) => void (first(raw).loinc = '8867-5'), /check digit/],
    ['a canonical unit that is not accepted', (raw: Raw) => void (first(raw).unit = 'Hz'), /canonical unit/],
    [
      'a conversion that is not a fraction of integers',
      (raw: Raw) => void (first(raw).acceptedUnits = [{ unit: '/min' }, { unit: 'bpm', multiply: [0.5, 1] }]),
      /safe integers/,
    ],
    ['an empty range', (raw: Raw) => void (first(raw).plausibleRange = { min: 5, max: 5 }), /min < max/],
    ['a repeated code', (raw: Raw) => void (first(raw).code = 'steps'), /listed twice/],
    ['a repeated LOINC code', (raw: Raw) => void (first(raw).loincAliases = ['9279-1']), /used twice/],
    ['an unknown FHIR category', (raw: Raw) => void (first(raw).fhirCategory = 'vitals'), /fhirCategory/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => readCatalogue(broken(change))).toThrow(message);
  });

  it('refuses data without categories', () => {
    expect(() => readCatalogue({})).toThrow(/categories/);
  });
});
