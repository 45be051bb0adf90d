// Which Apple Health records the catalogue holds, and in which catalogue unit each Apple unit is written. Pure: no
// I/O, no clock. Steps and sleep become daily values (the catalogue stores steps per day and sleep per night).
import type { AppleRecord } from './apple-health-records.js';
import type { ImportItem } from './import-items.js';

interface QuantityMapping {
  category: string;
  /** Apple unit → catalogue unit, and a factor applied first (Apple writes percentages as fractions). */
  units: Readonly<Record<string, { unit: string; factor?: number }>>;
}

const BEATS = { 'count/min': { unit: '/min' } };
const QUANTITIES: Readonly<Record<string, QuantityMapping>> = {
  HKQuantityTypeIdentifierHeartRate: { category: 'heart-rate', units: BEATS },
  HKQuantityTypeIdentifierRespiratoryRate: { category: 'respiratory-rate', units: BEATS },
  HKQuantityTypeIdentifierBodyMass: {
    category: 'body-weight',
    units: { kg: { unit: 'kg' }, g: { unit: 'g' }, lb: { unit: 'lb' }, st: { unit: '[stone_av]' } },
  },
  HKQuantityTypeIdentifierHeight: {
    category: 'body-height',
    units: { cm: { unit: 'cm' }, m: { unit: 'm' }, mm: { unit: 'mm' }, in: { unit: 'in' }, ft: { unit: 'ft' } },
  },
  HKQuantityTypeIdentifierBodyMassIndex: { category: 'bmi', units: { count: { unit: 'kg/m2' } } },
  HKQuantityTypeIdentifierBodyTemperature: {
    category: 'body-temperature',
    units: { degC: { unit: 'Cel' }, degF: { unit: 'degF' } },
  },
  HKQuantityTypeIdentifierOxygenSaturation: {
    category: 'oxygen-saturation',
    units: { '%': { unit: '%', factor: 100 } },
  },
  HKQuantityTypeIdentifierBloodGlucose: {
    category: 'blood-glucose',
    units: { 'mg/dL': { unit: 'mg/dL' }, 'mmol/L': { unit: 'mmol/L' } },
  },
};

const STEPS = 'HKQuantityTypeIdentifierStepCount';
const SLEEP = 'HKCategoryTypeIdentifierSleepAnalysis';
const BLOOD_PRESSURE = 'HKCorrelationTypeIdentifierBloodPressure';
const SYSTOLIC = 'HKQuantityTypeIdentifierBloodPressureSystolic';
const DIASTOLIC = 'HKQuantityTypeIdentifierBloodPressureDiastolic';
/** The sleep stages that count as asleep (iOS 16+ stages, and the older single "Asleep"). */
const ASLEEP = /^HKCategoryValueSleepAnalysisAsleep/;

/** "2024-03-01 08:15:00 +0100" → an ISO instant with offset; undefined when it is not that shape. */
export function appleInstant(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  return match ? `${match[1]}T${match[2]}${match[3]}${match[4]}:${match[5]}` : undefined;
}

/** What one Apple record becomes: an observation, a share of a daily total, or a skip with its reason. */
export function mapAppleRecord(record: AppleRecord): ImportItem {
  const start = appleInstant(record.startDate);
  const end = appleInstant(record.endDate) ?? start;
  if (start === undefined || end === undefined) return { kind: 'refused', type: record.type, code: 'invalid_time' };
  if (record.type === BLOOD_PRESSURE) return bloodPressure(record, start);
  if (record.type === SYSTOLIC || record.type === DIASTOLIC) {
    // Exports list these both inside the correlation and on their own: the correlation is the measurement.
    return { kind: 'skipped', type: record.type };
  }
  if (record.type === SLEEP) {
    if (!ASLEEP.test(record.value ?? '')) return { kind: 'skipped', type: `${SLEEP}:${record.value ?? ''}` };
    // A night belongs to the local day it ends on (the morning one wakes up).
    return { kind: 'interval', category: 'sleep-duration', type: record.type, day: end.slice(0, 10), start, end };
  }
  const value = Number(record.value);
  if (record.type === STEPS) {
    if (record.unit !== 'count') return { kind: 'refused', type: record.type, code: 'unknown_unit' };
    return {
      kind: 'daily-sum',
      category: 'steps',
      type: record.type,
      day: start.slice(0, 10),
      at: start,
      amount: value,
    };
  }
  const mapping = QUANTITIES[record.type];
  if (!mapping) return { kind: 'skipped', type: record.type };
  const unit = mapping.units[record.unit ?? ''];
  if (!unit) return { kind: 'refused', type: record.type, code: 'unknown_unit' };
  return {
    kind: 'observation',
    type: record.type,
    candidate: {
      category: mapping.category,
      value: unit.factor === undefined ? value : value * unit.factor,
      unit: unit.unit,
      effectiveAt: start,
      source: 'device',
    },
  };
}

function bloodPressure(record: AppleRecord, start: string): ImportItem {
  const part = (type: string) => record.parts.find((p) => p.type === type);
  const systolic = part(SYSTOLIC);
  const diastolic = part(DIASTOLIC);
  if (!systolic || !diastolic) return { kind: 'refused', type: record.type, code: 'incomplete_blood_pressure' };
  if (systolic.unit !== 'mmHg' || diastolic.unit !== 'mmHg') {
    return { kind: 'refused', type: record.type, code: 'unknown_unit' };
  }
  return {
    kind: 'observation',
    type: record.type,
    candidate: {
      category: 'blood-pressure',
      components: { systolic: Number(systolic.value), diastolic: Number(diastolic.value) },
      unit: 'mm[Hg]',
      effectiveAt: start,
      source: 'device',
    },
  };
}
