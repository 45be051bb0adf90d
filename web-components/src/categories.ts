// The observation catalogue as the front end needs it (codes, canonical units, components, decimals); the
// labels are in i18n. The service's policies/observations/catalogue.json is the authority and validates every value.

export interface CategoryInfo {
  code: string;
  unit: string;
  decimals: number;
  components?: readonly string[];
}

export const categories: readonly CategoryInfo[] = [
  { code: 'heart-rate', unit: '/min', decimals: 0 },
  { code: 'blood-pressure', unit: 'mm[Hg]', decimals: 0, components: ['systolic', 'diastolic'] },
  { code: 'body-weight', unit: 'kg', decimals: 1 },
  { code: 'body-height', unit: 'cm', decimals: 1 },
  { code: 'bmi', unit: 'kg/m2', decimals: 1 },
  { code: 'body-temperature', unit: 'Cel', decimals: 1 },
  { code: 'oxygen-saturation', unit: '%', decimals: 0 },
  { code: 'respiratory-rate', unit: '/min', decimals: 0 },
  { code: 'steps', unit: '/d', decimals: 0 },
  { code: 'sleep-duration', unit: 'h', decimals: 2 },
  { code: 'blood-glucose', unit: 'mmol/L', decimals: 1 },
];

/** UCUM units as a person reads them. */
const unitLabels: Record<string, string> = {
  '/min': '/min',
  'mm[Hg]': 'mmHg',
  'kg/m2': 'kg/m²',
  Cel: '°C',
  '/d': '/day',
};

/** The unit as shown to people. */
export function displayUnit(unit: string): string {
  return unitLabels[unit] ?? unit;
}
