// The gate's language checks must catch English in a French page, and must not cry wolf on French, names or codes.
import { describe, expect, it } from 'vitest';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import { englishIn, untranslated } from './english-check.js';
import { SEEDED_TEXTS } from './walk.js';

describe('englishIn', () => {
  it('finds an English catalogue string shown whole', () => {
    expect(englishIn(en['nav.signOut'])).toEqual([en['nav.signOut']]);
  });

  it('finds the fixed part of an English template inside a longer text', () => {
    const shown = `Rien ${en['upload.errorsCaption.other'].replace('{count}', '3')}`;
    expect(englishIn(shown).length).toBeGreaterThan(0);
  });

  it('accepts the French translations, names and seeded texts', () => {
    expect(englishIn(fr['nav.signOut'])).toEqual([]);
    expect(englishIn(fr['upload.errorsCaption.other'].replace('{count}', '3'))).toEqual([]);
    expect(englishIn('Datacoop')).toEqual([]);
    expect(englishIn(SEEDED_TEXTS[0]!)).toEqual([]);
  });

  it('counts an English word French also uses elsewhere as French ("Votes")', () => {
    expect(englishIn('Votes')).toEqual([]);
  });
});

describe('untranslated', () => {
  const englishPage = new Set(['from: 1 January', 'HMB', 'Maya Member', 'a1b2c3d4e5f6a7b8c9d0', 'Sign in']);

  it('flags words the French page shows exactly as the English page did', () => {
    expect(untranslated('from: 1 January', englishPage)).toBe(true);
  });

  it('leaves codes, seeded names, receipts and texts the English page did not show', () => {
    expect(untranslated('HMB', englishPage)).toBe(false);
    expect(untranslated('Maya Member', englishPage)).toBe(false);
    expect(untranslated('a1b2c3d4e5f6a7b8c9d0', englishPage)).toBe(false);
    expect(untranslated('Se connecter', englishPage)).toBe(false);
    expect(untranslated('/min', new Set(['/min']))).toBe(false);
    expect(untranslated('Voter 12', new Set(['Voter 12']))).toBe(false);
    expect(untranslated('Votes — Datacoop', new Set(['Votes — Datacoop']))).toBe(false);
    expect(untranslated('Sign in — Datacoop', new Set(['Sign in — Datacoop']))).toBe(true);
  });
});
