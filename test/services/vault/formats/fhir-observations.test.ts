import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFhirObservations } from '../../../../services/vault/formats/fhir-observations.js';
import { validateUploadRows } from '../../../../policies/observations/observation-rules.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const reference = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/fhir-r4/${name}`, import.meta.url), 'utf8');
const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/uploads/${name}`, import.meta.url), 'utf8');

function loinc(code: string): { coding: { system: string; code: string }[] } {
  return { coding: [{ system: 'http://loinc.org', code }] };
}

function quantity(value: unknown, code = '/min'): Record<string, unknown> {
  return { value, unit: code, system: 'http://unitsofmeasure.org', code };
}

function buildObservation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: loinc('8867-4'),
    effectiveDateTime: '2024-05-01T06:00:00+02:00',
    valueQuantity: quantity(58),
    ...overrides,
  };
}

function buildBloodPressure(systolic: unknown, diastolic: unknown, unit = 'mm[Hg]'): Record<string, unknown> {
  const component = [
    ...(systolic === undefined ? [] : [{ code: loinc('8480-6'), valueQuantity: quantity(systolic, unit) }]),
    ...(diastolic === undefined ? [] : [{ code: loinc('8462-4'), valueQuantity: quantity(diastolic, 'mm[Hg]') }]),
  ];
  return buildObservation({ code: loinc('85354-9'), valueQuantity: undefined, component });
}

function validate(body: unknown): ReturnType<typeof validateUploadRows> {
  return validateUploadRows(parseFhirObservations(body), NOW);
}

function codesOf(body: unknown): { index: number | null; field: string; code: string }[] {
  return validate(body).problems.map(({ index, field, code }) => ({ index, field, code }));
}

describe('parseFhirObservations: the HL7 FHIR R4 examples', () => {
  it.each([
    [
      'observation-example-heart-rate.json',
      { category: 'heart-rate', value: 44, unit: '/min', effectiveAt: '1999-07-02T00:00:00.000Z' },
    ],
    [
      'observation-example-bloodpressure.json',
      {
        category: 'blood-pressure',
        components: { systolic: 107, diastolic: 60 },
        unit: 'mm[Hg]',
        effectiveAt: '2012-09-17T00:00:00.000Z',
      },
    ],
    [
      'observation-example-body-height.json',
      { category: 'body-height', value: 169.926, unit: 'cm', effectiveAt: '1999-07-02T00:00:00.000Z' },
    ],
  ])('imports %s', (file, expected) => {
    expect(validate(reference(file))).toEqual({
      observations: [{ index: 0, observation: { ...expected, source: 'fhir' } }],
      problems: [],
    });
  });

  it('refuses the Consent example: it is not an Observation', () => {
    expect(codesOf(reference('consent-example.json'))).toEqual([
      { index: null, field: '', code: 'unsupported_resource' },
    ]);
  });

  it('imports the examples gathered in one Bundle, keeping entry indexes', () => {
    const files = ['heart-rate', 'bloodpressure', 'body-height'];
    const entry = files.map((f) => ({
      resource: JSON.parse(reference(`observation-example-${f}.json`)) as unknown,
    }));
    const result = validate({ resourceType: 'Bundle', type: 'collection', entry });
    expect(result.problems).toEqual([]);
    expect(result.observations.map((o) => [o.index, o.observation.category])).toEqual([
      [0, 'heart-rate'],
      [1, 'blood-pressure'],
      [2, 'body-height'],
    ]);
  });
});

describe('parseFhirObservations', () => {
  it('imports a clinic Bundle of blood pressure, leaving out components that are not ours', () => {
    const result = validate(fixture('clinic-blood-pressure.fhir.json'));
    expect(result.problems).toEqual([]);
    expect(result.observations.map((o) => o.observation)).toEqual([
      {
        category: 'blood-pressure',
        components: { systolic: 142, diastolic: 91 },
        unit: 'mm[Hg]',
        effectiveAt: '2024-02-02T08:12:00.000Z',
        source: 'fhir',
      },
      {
        category: 'blood-pressure',
        components: { systolic: 136, diastolic: 88 },
        unit: 'mm[Hg]',
        effectiveAt: '2024-03-01T07:47:00.000Z',
        source: 'fhir',
        note: 'Seated, left arm, after 5 minutes rest',
      },
      {
        category: 'blood-pressure',
        components: { systolic: 128, diastolic: 84 },
        unit: 'mm[Hg]',
        effectiveAt: '2024-04-05T07:55:00.000Z',
        source: 'fhir',
      },
    ]);
  });

  it.each([
    ['effectiveInstant', { effectiveDateTime: undefined, effectiveInstant: '2024-05-01T04:00:00.250Z' }],
    ['effectivePeriod.start', { effectiveDateTime: undefined, effectivePeriod: { start: '2024-05-01T04:00:00.250Z' } }],
    ['effectivePeriod.end', { effectiveDateTime: undefined, effectivePeriod: { end: '2024-05-01T06:00:00.25+02:00' } }],
  ])('takes the time from %s', (_where, overrides) => {
    const result = validate(buildObservation(overrides));
    expect(result.observations[0]?.observation.effectiveAt).toBe('2024-05-01T04:00:00.250Z');
  });

  it.each([
    [
      'the UCUM code over the unit text',
      { value: 58, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    ],
    ['the UCUM code without a system', { value: 58, code: '{beats}/min' }],
    ['the unit text when there is no code', { value: 58, unit: 'bpm' }],
    ['the unit text when the code is not UCUM', { value: 58, unit: 'bpm', system: 'http://acme.org/units', code: 'B' }],
    ['the unit text when the UCUM code is not accepted', { value: 58, unit: 'bpm', code: '/min{awake}' }],
  ])('reads the unit from %s', (_what, valueQuantity) => {
    expect(validate(buildObservation({ valueQuantity })).observations[0]?.observation).toMatchObject({
      value: 58,
      unit: '/min',
    });
  });

  it('finds the LOINC coding among codings of other systems', () => {
    const code = {
      coding: [
        { system: 'http://snomed.info/sct', code: '364075005' },
        { system: 'http://loinc.org', code: '8867-4' },
      ],
    };
    expect(codesOf(buildObservation({ code }))).toEqual([]);
  });

  it('reads pulse oximetry (59408-5) as oxygen saturation', () => {
    const observation = buildObservation({ code: loinc('59408-5'), valueQuantity: quantity(97, '%') });
    expect(validate(observation).observations[0]?.observation).toMatchObject({
      category: 'oxygen-saturation',
    });
  });

  it('converts glucose coded 2339-0 in mg/dL to mmol/L', () => {
    const observation = buildObservation({ code: loinc('2339-0'), valueQuantity: quantity(90, 'mg/dL') });
    expect(validate(observation).observations[0]?.observation).toMatchObject({
      category: 'blood-glucose',
      value: 4.99567041897,
      unit: 'mmol/L',
    });
  });

  it('reads a body of text as well as parsed JSON', () => {
    expect(codesOf(JSON.stringify(buildObservation()))).toEqual([]);
  });

  it.each([
    [
      'no LOINC coding',
      { code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }] } },
      'code.coding',
      'missing_loinc_code',
    ],
    ['a code that is text only', { code: { text: 'pulse' } }, 'code.coding', 'missing_loinc_code'],
    ['a LOINC code outside the catalogue', { code: loinc('8310-6') }, 'code.coding', 'unknown_category'],
    ['a systolic pressure alone', { code: loinc('8480-6') }, 'code.coding', 'unknown_category'],
    ['status entered-in-error', { status: 'entered-in-error' }, 'status', 'rejected_status'],
    ['status cancelled', { status: 'cancelled' }, 'status', 'rejected_status'],
    ['status registered', { status: 'registered' }, 'status', 'rejected_status'],
    ['a text value', { valueQuantity: undefined, valueString: 'fast' }, 'valueString', 'unsupported_value_type'],
    ['no value', { valueQuantity: undefined, dataAbsentReason: { text: 'asleep' } }, 'valueQuantity', 'missing_value'],
    [
      'a comparator',
      { valueQuantity: { ...quantity(30), comparator: '<' } },
      'valueQuantity.comparator',
      'comparator_not_supported',
    ],
    ['no time', { effectiveDateTime: undefined }, 'effective[x]', 'missing_time'],
    [
      'a timing',
      { effectiveDateTime: undefined, effectiveTiming: { event: ['2024-05-01'] } },
      'effective[x]',
      'missing_time',
    ],
    ['a date alone as month', { effectiveDateTime: '2024-05' }, 'effectiveAt', 'imprecise_time'],
    ['a future time', { effectiveDateTime: '2025-01-01T00:00:00Z' }, 'effectiveAt', 'future_time'],
    ['a unit of another dimension', { valueQuantity: quantity(58, 'kg') }, 'unit', 'unit_not_accepted'],
    ['a value given as text', { valueQuantity: quantity('58') }, 'value', 'invalid_number'],
    ['a value out of range', { valueQuantity: quantity(580) }, 'value', 'out_of_range'],
  ])('refuses an Observation with %s', (_what, overrides, field, code) => {
    expect(codesOf(buildObservation(overrides))).toEqual([{ index: 0, field, code }]);
  });

  it.each([
    [
      'no components',
      buildObservation({ code: loinc('85354-9'), valueQuantity: undefined }),
      'component',
      'missing_value',
    ],
    ['a systolic only', buildBloodPressure(120, undefined), 'components.diastolic', 'missing_component'],
    ['components in different units', buildBloodPressure(16, 80, 'kPa'), 'component', 'mixed_units'],
    ['systolic below diastolic', buildBloodPressure(70, 90), 'components', 'systolic_not_above_diastolic'],
  ])('refuses blood pressure with %s', (_what, observation, field, code) => {
    expect(codesOf(observation)).toEqual([{ index: 0, field, code }]);
  });

  it('reports every bad entry of a Bundle with its index', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: buildObservation() },
        { resource: { resourceType: 'Patient', id: 'p1' } },
        { fullUrl: 'urn:uuid:0f8a3b52-7b75-4f5b-9d3e-1d7c2a0e9c11' },
        { resource: buildObservation({ status: 'entered-in-error' }) },
        { resource: buildObservation({ valueQuantity: quantity(61) }) },
      ],
    };
    expect(codesOf(bundle)).toEqual([
      { index: 1, field: 'resourceType', code: 'not_an_observation' },
      { index: 2, field: 'resource', code: 'missing_resource' },
      { index: 3, field: 'status', code: 'rejected_status' },
    ]);
  });

  it.each([
    ['text that is not JSON', '{"resourceType": "Observation",', 'invalid_json'],
    ['a JSON array', [buildObservation()], 'not_fhir'],
    ['an object without resourceType', { observations: [] }, 'not_fhir'],
    ['another resource', { resourceType: 'Patient' }, 'unsupported_resource'],
    ['a Bundle without entries', { resourceType: 'Bundle', type: 'collection' }, 'no_rows'],
    ['a Bundle whose entry is not a list', { resourceType: 'Bundle', entry: {} }, 'invalid_bundle'],
  ])('refuses %s as a whole', (_what, body, code) => {
    expect(codesOf(body)).toEqual([{ index: null, field: '', code }]);
  });

  it('refuses a Bundle of more entries than the limit, with a distinct code', () => {
    const bundle = { resourceType: 'Bundle', entry: [1, 2, 3].map(() => ({ resource: buildObservation() })) };
    expect(parseFhirObservations(bundle, { maxRows: 2 }).problems).toMatchObject([
      { index: null, code: 'too_many_rows' },
    ]);
    expect(parseFhirObservations(bundle, { maxRows: 3 }).problems).toEqual([]);
  });

  it.each([
    [null],
    [42],
    [{ resourceType: 'Bundle', entry: [null, 1, 'x', { resource: null }, { resource: [] }] }],
    [{ resourceType: 'Observation', code: 'x', valueQuantity: 5, component: 'y', effectivePeriod: 3 }],
    [{ resourceType: 'Observation', code: { coding: [null, 'x', { system: 'http://loinc.org', code: 7 }] } }],
    [
      {
        resourceType: 'Observation',
        code: loinc('85354-9'),
        component: [null, { code: 5 }, { code: loinc('8480-6') }],
      },
    ],
  ])('never throws on malformed input %j', (body) => {
    expect(() => validate(body)).not.toThrow();
    expect(validate(body).problems.length).toBeGreaterThan(0);
  });
});
