// Catalogue categories grouped by what they measure, for choices a person reads (the consent form). Pure, so a
// unit test can check that every catalogue category lands in exactly one group.

export type CategoryGroupName = 'heart' | 'body' | 'activity' | 'laboratory';
export const categoryGroupNames: readonly CategoryGroupName[] = ['heart', 'body', 'activity', 'laboratory'];

export interface CategoryGroup<T> {
  name: CategoryGroupName;
  categories: readonly T[];
}

const groupOf: Record<string, CategoryGroupName> = {
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

/** The categories in their groups, catalogue order kept; a category not mapped above goes to 'laboratory'. */
export function groupCategories<T extends { code: string }>(list: readonly T[]): CategoryGroup<T>[] {
  return categoryGroupNames
    .map((name) => ({ name, categories: list.filter((c) => (groupOf[c.code] ?? 'laboratory') === name) }))
    .filter((group) => group.categories.length > 0);
}
