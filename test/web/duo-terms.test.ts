// The DUO terms in words: every permission and modifier the service accepts has a label and a one-sentence
// explanation in English and in French (no English left in French), and the form offers every code but the
// ones the service always refuses.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { duoModifierCodes, duoPermissionCodes, findDuoTerm } from '../../policies/research/duo.js';
import { validateDuoUse } from '../../policies/research/duo.js';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import type * as I18n from '../../web-components/i18n/i18n.js';
import type * as Terms from '../../web-components/src/duo-terms.js';

let terms: typeof Terms;
let i18n: typeof I18n;

beforeAll(async () => {
  // i18n.ts reads the stored language and sets <html lang> when loaded: give it what a browser has.
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  });
  vi.stubGlobal('document', { documentElement: { lang: '' } });
  terms = await import('../../web-components/src/duo-terms.js');
  i18n = await import('../../web-components/i18n/i18n.js');
  await i18n.loadLocale(i18n.getLocale());
});

const allCodes = [...duoPermissionCodes, ...duoModifierCodes];
const dictionaries = { en, fr } as Record<'en' | 'fr', Record<string, string>>;

describe('DUO labels and explanations', () => {
  it.each(allCodes.flatMap((code) => (['en', 'fr'] as const).map((lang) => [code, lang] as const)))(
    '%s has a label and an explanation sentence in %s',
    (code, lang) => {
      const label = dictionaries[lang][`duo.${code}`];
      const explanation = dictionaries[lang][`duoExplain.${code}`];
      expect(label, `duo.${code}`).toMatch(/\S/);
      expect(explanation, `duoExplain.${code}`).toMatch(/^\p{Lu}.*\.$/u);
    },
  );

  it.each(allCodes)('%s reads differently in French (no English left)', (code) => {
    expect(fr[`duo.${code}` as keyof typeof fr]).not.toBe(en[`duo.${code}` as keyof typeof en]);
    expect(fr[`duoExplain.${code}` as keyof typeof fr]).not.toBe(en[`duoExplain.${code}` as keyof typeof en]);
  });

  it('uses the narrow no-break space of French typography before ; and :', () => {
    for (const code of allCodes) {
      const text = `${fr[`duo.${code}` as keyof typeof fr]} ${fr[`duoExplain.${code}` as keyof typeof fr]}`;
      expect(text, code).not.toMatch(/[ \u00a0][;:?!]/);
    }
  });

  it('has no label for a code the service does not know', () => {
    const known = new Set<string>(allCodes);
    const labelled = Object.keys(en)
      .filter((k) => k.startsWith('duo.') || k.startsWith('duoExplain.'))
      .map((k) => k.split('.')[1]!);
    expect(labelled.filter((code) => !known.has(code))).toEqual([]);
  });
});

describe('the table the pages use (web-components/src/duo-terms.ts)', () => {
  it('offers every permission the service accepts, once each', () => {
    expect([...terms.duoPermissions].sort()).toEqual([...duoPermissionCodes].sort());
  });

  it('names every modifier the service accepts, offered or refused, once each', () => {
    const named = [...terms.duoModifiers, ...terms.duoRefusedModifiers];
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual([...duoModifierCodes].sort());
  });

  it('offers no modifier the service always refuses, and refuses each it leaves out', () => {
    for (const code of terms.duoModifiers) expect(validateDuoUse('HMB', [code]), code).toEqual([]);
    for (const code of terms.duoRefusedModifiers) expect(validateDuoUse('HMB', [code]), code).not.toEqual([]);
  });

  it('carries the ontology id of each code from the service’s duo.json', () => {
    for (const code of allCodes) expect(terms.duoTerm(code).id, code).toBe(findDuoTerm(code)!.id);
  });

  it('reads a code in the current language, and an unknown code as itself', async () => {
    await i18n.setLocale('en');
    expect(terms.duoTerm('NPUNCU')).toMatchObject({ code: 'NPUNCU', label: 'not-for-profit, non-commercial use only' });
    await i18n.setLocale('fr');
    expect(terms.duoTerm('NPUNCU').label).toBe('usage non lucratif et non commercial seulement');
    expect(terms.duoTerm('XYZ')).toEqual({ code: 'XYZ', id: '', label: 'XYZ', explanation: '' });
  });
});
