import { describe, expect, it } from 'vitest';
import { validateObservation } from '../../../../policies/observations/observation-rules.js';
import { appleInstant, mapAppleRecord } from '../../../../services/vault/imports/apple-health-mapping.js';
import type { AppleRecord } from '../../../../services/vault/imports/apple-health-records.js';
import { mapDailyRow, mapFitPoint } from '../../../../services/vault/imports/google-fit-mapping.js';

const now = new Date('2026-01-01T00:00:00Z');
const at = '2025-03-01 08:00:00 +0100';
const apple = (type: string, unit: string | undefined, value: string, parts: AppleRecord[] = []): AppleRecord => ({
  type,
  unit,
  value,
  startDate: at,
  endDate: at,
  parts,
});

/** The stored value of an Apple record once the observation rules have converted it. */
function canonical(record: AppleRecord) {
  const item = mapAppleRecord(record);
  if (item.kind !== 'observation') return item;
  const result = validateObservation(item.candidate, now);
  return result.ok
    ? { category: result.observation.category, value: result.observation.value, unit: result.observation.unit }
    : result;
}

describe('Apple Health mapping', () => {
  it.each([
    ['HKQuantityTypeIdentifierHeartRate', 'count/min', '72', 'heart-rate', 72, '/min'],
    ['HKQuantityTypeIdentifierRespiratoryRate', 'count/min', '15', 'respiratory-rate', 15, '/min'],
    ['HKQuantityTypeIdentifierBodyMass', 'kg', '70.5', 'body-weight', 70.5, 'kg'],
    ['HKQuantityTypeIdentifierBodyMass', 'lb', '100', 'body-weight', 45.359237, 'kg'],
    ['HKQuantityTypeIdentifierHeight', 'ft', '6', 'body-height', 182.88, 'cm'],
    ['HKQuantityTypeIdentifierBodyMassIndex', 'count', '22.4', 'bmi', 22.4, 'kg/m2'],
    ['HKQuantityTypeIdentifierBodyTemperature', 'degF', '102.2', 'body-temperature', 39, 'Cel'],
    ['HKQuantityTypeIdentifierOxygenSaturation', '%', '0.95', 'oxygen-saturation', 95, '%'],
  ])('%s in %s → the catalogue unit', (type, unit, value, category, expected, canonicalUnit) => {
    const result = canonical(apple(type, unit, value)) as { category: string; value: number; unit: string };
    expect(result.category).toBe(category);
    expect(result.unit).toBe(canonicalUnit);
    expect(result.value).toBeCloseTo(expected, 6);
  });

  it.each([
    ['HKQuantityTypeIdentifierHeartRate', 'count/s'],
    ['HKQuantityTypeIdentifierStepCount', 'km'],
    ['HKQuantityTypeIdentifierBodyTemperature', 'K'],
  ])('refuses %s in an unknown unit %s', (type, unit) => {
    expect(mapAppleRecord(apple(type, unit, '1'))).toEqual({ kind: 'refused', type, code: 'unknown_unit' });
  });

  it('skips types the catalogue does not hold, and the loose blood-pressure components', () => {
    for (const type of ['HKQuantityTypeIdentifierRestingHeartRate', 'HKQuantityTypeIdentifierBloodPressureSystolic']) {
      expect(mapAppleRecord(apple(type, 'count/min', '1'))).toEqual({ kind: 'skipped', type });
    }
  });

  it('turns a blood-pressure correlation into one observation, and refuses one missing a component', () => {
    const systolic = apple('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '120');
    const diastolic = apple('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '80');
    const type = 'HKCorrelationTypeIdentifierBloodPressure';
    expect(mapAppleRecord(apple(type, undefined, '', [systolic, diastolic]))).toMatchObject({
      kind: 'observation',
      candidate: { category: 'blood-pressure', components: { systolic: 120, diastolic: 80 } },
    });
    expect(mapAppleRecord(apple(type, undefined, '', [systolic]))).toMatchObject({ code: 'incomplete_blood_pressure' });
  });

  it('reads Apple dates with their offset, and nothing else', () => {
    expect(appleInstant('2025-03-01 08:00:00 +0100')).toBe('2025-03-01T08:00:00+01:00');
    expect(appleInstant('2025-03-01T08:00:00Z')).toBeUndefined();
    expect(
      mapAppleRecord({ ...apple('HKQuantityTypeIdentifierHeartRate', 'count/min', '1'), startDate: 'yesterday' }),
    ).toMatchObject({
      code: 'invalid_time',
    });
  });
});

describe('Google Fit mapping', () => {
  it('reads the held columns of a daily row and ignores empty and other cells', () => {
    const items = mapDailyRow({
      date: '2025-03-01',
      'step count': '5000',
      'average heart rate (bpm)': '',
      'calories (kcal)': '2000',
    });
    expect(items).toEqual([
      expect.objectContaining({
        candidate: expect.objectContaining({ category: 'steps', value: 5000, effectiveAt: '2025-03-01T00:00:00Z' }),
      }),
    ]);
  });

  it.each([
    ['com.google.heart_rate.bpm', { fpVal: 61.5 }, 'observation'],
    ['com.google.weight', { fpVal: 70.2 }, 'observation'],
    ['com.google.step_count.delta', { intVal: 12 }, 'daily-sum'],
    ['com.google.sleep.segment', { intVal: 4 }, 'interval'],
    ['com.google.sleep.segment', { intVal: 1 }, 'skipped'],
    ['com.google.calories.expended', { fpVal: 3.2 }, 'skipped'],
  ])('%s %j → %s', (dataTypeName, value, kind) => {
    const nanos = '1740816000000000000';
    expect(mapFitPoint({ dataTypeName, startTimeNanos: nanos, endTimeNanos: nanos, fitValue: [{ value }] }).kind).toBe(
      kind,
    );
  });

  it('refuses a point without a readable time', () => {
    expect(mapFitPoint({ dataTypeName: 'com.google.weight', startTimeNanos: 'soon' })).toMatchObject({
      code: 'invalid_time',
    });
  });
});
