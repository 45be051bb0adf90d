// The observation catalogue as the front end needs it (codes, canonical units, components, decimals), read from
// the service's own policies/observations/catalogue.json at build time: one list, and the service validates every
// value against it. The labels are in i18n.
import catalogue from '../../policies/observations/catalogue.json' with { type: 'json' };
import { t } from '../i18n/i18n.js';

export interface CategoryInfo {
  code: string;
  unit: string;
  decimals: number;
  components?: readonly string[];
}

export const categories: readonly CategoryInfo[] = catalogue.categories.map((category) => ({
  code: category.code,
  unit: category.unit,
  decimals: category.decimals,
  ...(category.components && { components: category.components.map((component) => component.name) }),
}));

/** UCUM units as a person reads them. */
const unitLabels: Record<string, string> = {
  '/min': '/min',
  'mm[Hg]': 'mmHg',
  'kg/m2': 'kg/m²',
  Cel: '°C',
};

/** The unit as shown to people. */
export function displayUnit(unit: string): string {
  if (unit === '/d') return t('unit.perDay');
  return unitLabels[unit] ?? unit;
}

/** Categories grouped by what they measure, for choices a person reads (the consent form). */
export interface CategoryGroup {
  name: 'heart' | 'body' | 'activity' | 'laboratory';
  categories: readonly CategoryInfo[];
}

const groupOf: Record<string, CategoryGroup['name']> = {
  'heart-rate': 'heart',
  'blood-pressure': 'heart',
  'oxygen-saturation': 'heart',
  'respiratory-rate': 'heart',
  'body-temperature': 'body',
  'body-weight': 'body',
  'body-height': 'body',
  bmi: 'body',
  steps: 'activity',
  'sleep-duration': 'activity',
  'blood-glucose': 'laboratory',
};

/** Every catalogue category in one group, in catalogue order; one not mapped above falls into 'laboratory'. */
export const categoryGroups: readonly CategoryGroup[] = (['heart', 'body', 'activity', 'laboratory'] as const)
  .map((name) => ({ name, categories: categories.filter((c) => (groupOf[c.code] ?? 'laboratory') === name) }))
  .filter((group) => group.categories.length > 0);
