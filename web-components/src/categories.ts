// The observation catalogue as the front end needs it (codes, canonical units, components, decimals), read from
// the service's own policies/observations/catalogue.json at build time: one list, and the service validates every
// value against it. The labels are in i18n.
import catalogue from '../../policies/observations/catalogue.json' with { type: 'json' };
import { t } from '../i18n/i18n.js';
import { type CategoryGroup, groupCategories } from './category-groups.js';

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

/** Every catalogue category in its group (heart, body, activity, laboratory), for the consent form. */
export const categoryGroups: readonly CategoryGroup<CategoryInfo>[] = groupCategories(categories);
