// Counts and French typography in the catalogues: plural forms from the language's rule (never "membre(s)"), every
// counted key as a one/other pair in both languages, and a narrow no-break space before : ; ? ! and inside « ».
import { describe, expect, it } from 'vitest';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import { pluralForm } from '../../web-components/i18n/plural.js';

const NNBSP = '\u202F';

/**
 * Keys of the pages the card and privacy work is rewriting (coop-proposal-summary/-page, coop-request-form,
 * coop-research-page, coop-privacy-page, coop-consent-form, the login page). Owned by the card/privacy work,
 * removed when it lands.
 */
const OWNED_ELSEWHERE =
  /^(proposal|request|research|privacy|consent|consentLevel|login|duo|policyField|results|studies|accessLog|level)\./;

describe('pluralForm', () => {
  it.each([
    ['fr-CH', 0, 'one'],
    ['fr-CH', 1, 'one'],
    ['fr-CH', 1.5, 'one'],
    ['fr-CH', 2, 'other'],
    ['fr-CH', 1_000_000, 'other'],
    ['en-GB', 0, 'other'],
    ['en-GB', 1, 'one'],
    ['en-GB', 2, 'other'],
  ] as const)('in %s, %d takes the %s form', (locale, count, form) => {
    expect(pluralForm(locale, count)).toBe(form);
  });
});

describe('the catalogues', () => {
  const keys = Object.keys(en) as (keyof typeof en)[];

  it('give every counted key both forms in both languages', () => {
    const bases = keys.filter((k) => k.endsWith('.one')).map((k) => k.slice(0, -'.one'.length));
    expect(bases.length).toBeGreaterThanOrEqual(4);
    for (const base of bases) {
      expect(keys, base).toContain(`${base}.other`);
      expect(fr[`${base}.one` as keyof typeof fr], base).toBeTruthy();
      expect(fr[`${base}.other` as keyof typeof fr], base).toBeTruthy();
    }
  });

  it('never write a plural as "(s)"', () => {
    const offending = keys.filter((k) => !OWNED_ELSEWHERE.test(k) && /\(s\)|\(x\)|\(es\)/.test(fr[k] + en[k]));
    expect(offending).toEqual([]);
  });

  it('put a narrow no-break space before : ; ? ! and inside « » in French', () => {
    const offending = keys
      .filter((k) => !OWNED_ELSEWHERE.test(k))
      .filter((k) => {
        const text = fr[k];
        return /[^\u202F][;?!]|[ \u00A0]:|«[^\u202F]|[^\u202F]»/.test(text.replace(/https?:\/\/\S+/g, ''));
      })
      .map((k) => `${k}: ${fr[k]}`);
    expect(offending).toEqual([]);
  });

  it('find a wrong space before a colon (the check above can fail)', () => {
    expect(/[ \u00A0]:/.test('Texte : oui')).toBe(true);
    expect(/[ \u00A0]:/.test(`Texte${NNBSP}: oui`)).toBe(false);
  });
});
