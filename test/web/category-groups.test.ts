// The consent form's grouping and wording: every catalogue category in exactly one group, named with its unit in
// words in both languages; the new French strings with a narrow no-break space before : ; ? ! and inside « ».
import { describe, expect, it } from 'vitest';
import catalogue from '../../policies/observations/catalogue.json' with { type: 'json' };
import { en, type MessageKey } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import { categoryGroupNames, groupCategories } from '../../web-components/src/category-groups.js';

const codes = catalogue.categories.map((c) => c.code);

describe('groupCategories', () => {
  it('puts every catalogue category in exactly one group, in catalogue order', () => {
    const groups = groupCategories(catalogue.categories);
    const grouped = groups.flatMap((g) => g.categories.map((c) => c.code));
    expect([...grouped].sort()).toEqual([...codes].sort());
    expect(new Set(grouped).size).toBe(codes.length);
    for (const group of groups) {
      expect(group.categories.map((c) => c.code)).toEqual(
        codes.filter((c) => group.categories.some((g) => g.code === c)),
      );
    }
  });

  it('keeps a category the map does not know (a catalogue addition) instead of losing it', () => {
    const groups = groupCategories([{ code: 'heart-rate' }, { code: 'new-thing' }]);
    expect(groups.flatMap((g) => g.categories.map((c) => c.code)).sort()).toEqual(['heart-rate', 'new-thing']);
  });

  it('drops empty groups', () => {
    expect(groupCategories([{ code: 'steps' }]).map((g) => g.name)).toEqual(['activity']);
  });

  it.each(['en', 'fr'] as const)('names every group and every category’s unit in %s', (locale) => {
    const dictionary = { en, fr }[locale] as Record<string, string>;
    for (const name of categoryGroupNames) expect(dictionary[`categoryGroup.${name}`]).toBeTruthy();
    for (const code of codes) expect(dictionary[`categoryUnit.${code}`], code).toBeTruthy();
  });
});

describe('French typography of the privacy page and the first steps', () => {
  const prefixes = ['firstSteps.', 'studies.', 'consent.change.', 'consentLevel.', 'categoryGroup.', 'categoryUnit.'];
  const keys = (Object.keys(en) as MessageKey[]).filter((k) => prefixes.some((p) => k.startsWith(p)));

  it.each(keys)('%s', (key) => {
    const text = fr[key];
    // Before : ; ? ! a narrow no-break space (U+202F), never a plain space, a no-break space or nothing.
    expect(text).not.toMatch(/[^\u202f][:;?!]/);
    expect(text).not.toMatch(/«(?!\u202f)|(?<!\u202f)»/);
  });
});
