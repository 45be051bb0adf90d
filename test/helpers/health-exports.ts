// Generators of health-app exports in their documented formats, with the counts an import must report:
// Apple Health `export.xml` (HealthData, Record, Correlation) and Google Fit Takeout (daily CSV, "All data" JSON).

const DAY_MS = 86_400_000;

export interface AppleExportOptions {
  /** First local day (YYYY-MM-DD), in the +01:00 zone. */
  firstDay?: string;
  days: number;
  /** Heart-rate samples per day (spread evenly). */
  heartRatePerDay?: number;
}

export interface GeneratedExport {
  text: string;
  /** Observations the import must find: one per point sample, one per day for steps and sleep. */
  expected: { received: number; byCategory: Record<string, number>; skipped: Record<string, number> };
}

/** "2025-01-01 08:00:00 +0100" for a UTC instant, written in the +01:00 zone as Apple Health does. */
function appleDate(ms: number): string {
  const local = new Date(ms + 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} +0100`;
}

function record(type: string, unit: string | undefined, value: string, start: number, end = start): string {
  const unitAttribute = unit === undefined ? '' : ` unit="${unit}"`;
  return (
    `  <Record type="${type}" sourceName="Watch" sourceVersion="10.1" device="&lt;&lt;HKDevice&gt;&gt;"${unitAttribute} ` +
    `creationDate="${appleDate(end)}" startDate="${appleDate(start)}" endDate="${appleDate(end)}" value="${value}">\n` +
    `   <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>\n  </Record>\n`
  );
}

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-01-01 10:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-01-01" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
`;

/** An Apple Health export.xml of `days` days of mixed records, and what an import of it must report. */
export function appleHealthExport(options: AppleExportOptions): GeneratedExport {
  const first = Date.parse(`${options.firstDay ?? '2025-01-01'}T00:00:00+01:00`);
  const perDay = options.heartRatePerDay ?? 144;
  const parts: string[] = [HEADER];
  const byCategory: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const count = (into: Record<string, number>, key: string, n = 1) => (into[key] = (into[key] ?? 0) + n);
  for (let d = 0; d < options.days; d++) {
    const day = first + d * DAY_MS;
    for (let i = 0; i < perDay; i++) {
      const at = day + Math.floor((i * DAY_MS) / perDay);
      parts.push(record('HKQuantityTypeIdentifierHeartRate', 'count/min', String(55 + ((d * 7 + i) % 60)), at));
    }
    count(byCategory, 'heart-rate', perDay);
    for (let h = 8; h < 20; h++) {
      parts.push(
        record(
          'HKQuantityTypeIdentifierStepCount',
          'count',
          String(100 + h),
          day + h * 3_600_000,
          day + h * 3_600_000 + 600_000,
        ),
      );
    }
    count(byCategory, 'steps');
    parts.push(record('HKQuantityTypeIdentifierBodyMass', 'lb', (150 + (d % 10) / 10).toFixed(1), day + 7 * 3_600_000));
    count(byCategory, 'body-weight');
    parts.push(record('HKQuantityTypeIdentifierOxygenSaturation', '%', '0.97', day + 9 * 3_600_000));
    count(byCategory, 'oxygen-saturation');
    parts.push(record('HKQuantityTypeIdentifierRespiratoryRate', 'count/min', '14', day + 3 * 3_600_000));
    count(byCategory, 'respiratory-rate');
    parts.push(record('HKQuantityTypeIdentifierRestingHeartRate', 'count/min', '58', day + 6 * 3_600_000));
    count(skipped, 'HKQuantityTypeIdentifierRestingHeartRate');
    parts.push(record('HKQuantityTypeIdentifierActiveEnergyBurned', 'kcal', '310', day + 12 * 3_600_000));
    count(skipped, 'HKQuantityTypeIdentifierActiveEnergyBurned');
    // A night: in bed 21:30–07:00, asleep 23:00–03:00 (core) and 02:30–06:30 (REM, overlapping): 7.5 h asleep.
    const night = day - 2 * 3_600_000;
    parts.push(
      record(
        'HKCategoryTypeIdentifierSleepAnalysis',
        undefined,
        'HKCategoryValueSleepAnalysisInBed',
        night - 1_800_000,
        day + 7 * 3_600_000,
      ),
    );
    count(skipped, 'HKCategoryTypeIdentifierSleepAnalysis:HKCategoryValueSleepAnalysisInBed');
    parts.push(
      record(
        'HKCategoryTypeIdentifierSleepAnalysis',
        undefined,
        'HKCategoryValueSleepAnalysisAsleepCore',
        day - 3_600_000,
        day + 3 * 3_600_000,
      ),
    );
    parts.push(
      record(
        'HKCategoryTypeIdentifierSleepAnalysis',
        undefined,
        'HKCategoryValueSleepAnalysisAsleepREM',
        day + 2.5 * 3_600_000,
        day + 6.5 * 3_600_000,
      ),
    );
    count(byCategory, 'sleep-duration');
    if (d % 7 === 0) {
      parts.push(record('HKQuantityTypeIdentifierBodyTemperature', 'degF', '98.6', day + 8 * 3_600_000));
      count(byCategory, 'body-temperature');
      const at = day + 8.5 * 3_600_000;
      const systolic = record('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '121', at);
      const diastolic = record('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '79', at);
      parts.push(
        `  <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff" creationDate="${appleDate(at)}" startDate="${appleDate(at)}" endDate="${appleDate(at)}">\n`,
        `   <MetadataEntry key="HKWasUserEntered" value="0"/>\n`,
        systolic.replace(/^ {2}/gm, '    '),
        diastolic.replace(/^ {2}/gm, '    '),
        '  </Correlation>\n',
        systolic,
        diastolic,
      );
      count(byCategory, 'blood-pressure');
      count(skipped, 'HKQuantityTypeIdentifierBloodPressureSystolic');
      count(skipped, 'HKQuantityTypeIdentifierBloodPressureDiastolic');
      parts.push(
        `  <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" startDate="${appleDate(day)}" endDate="${appleDate(day)}"/>\n`,
      );
    }
  }
  parts.push('</HealthData>\n');
  const received = Object.values(byCategory).reduce((a, b) => a + b, 0);
  return { text: parts.join(''), expected: { received, byCategory, skipped } };
}

/** Wraps records in a minimal export (for bad-input tests). */
export function appleExportOf(records: string): string {
  return `${HEADER}${records}</HealthData>\n`;
}

export { record as appleRecord };

export interface TakeoutSample {
  dailyCsv: string;
  heartRateJson: string;
  stepsJson: string;
  expected: { stored: number; duplicates: number; byCategory: Record<string, number> };
}

/** A Google Takeout Fit sample: "Daily activity metrics.csv" (steps, weight) and "All data" JSON (heart rate,
 * step deltas that sum to the CSV's steps, so those days are duplicates of the CSV's). */
export function takeoutSample(days: number, firstDay = '2025-03-01'): TakeoutSample {
  const first = Date.parse(`${firstDay}T00:00:00Z`);
  const csv = [
    'Date,Move Minutes count,Calories (kcal),Distance (m),Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Average weight (kg),Max weight (kg),Min weight (kg),Step count',
  ];
  const heart: unknown[] = [];
  const steps: unknown[] = [];
  const nanos = (ms: number) => `${ms}000000`;
  for (let d = 0; d < days; d++) {
    const day = first + d * DAY_MS;
    const date = new Date(day).toISOString().slice(0, 10);
    csv.push(`${date},45,2100.5,5230.1,,,,${(70 + d / 10).toFixed(1)},,,${4000 + d}`);
    for (let i = 0; i < 48; i++) {
      const at = day + i * 1_800_000;
      heart.push({
        fitValue: [{ value: { fpVal: 60 + (i % 30) } }],
        originDataSourceId: '',
        endTimeNanos: nanos(at),
        dataTypeName: 'com.google.heart_rate.bpm',
        startTimeNanos: nanos(at),
        modifiedTimeMillis: String(at),
        rawTimestampNanos: '0',
      });
    }
    for (const [hour, amount] of [
      [9, 1000],
      [13, 2000],
      [18, 1000 + d],
    ] as const) {
      const at = day + hour * 3_600_000;
      steps.push({
        fitValue: [{ value: { intVal: amount } }],
        originDataSourceId: '',
        endTimeNanos: nanos(at + 600_000),
        dataTypeName: 'com.google.step_count.delta',
        startTimeNanos: nanos(at),
        modifiedTimeMillis: String(at),
        rawTimestampNanos: '0',
      });
    }
  }
  const dataSource = (name: string) => `derived:${name}:com.google.android.gms:merged`;
  return {
    dailyCsv: csv.join('\n') + '\n',
    heartRateJson: JSON.stringify({ 'Data Source': dataSource('com.google.heart_rate.bpm'), 'Data Points': heart }),
    stepsJson: JSON.stringify({ 'Data Source': dataSource('com.google.step_count.delta'), 'Data Points': steps }),
    expected: {
      stored: days * 48 + days * 2,
      duplicates: days,
      byCategory: { 'heart-rate': days * 48, 'body-weight': days, steps: days },
    },
  };
}
