// The gate's language checks, pure so a unit test can attack them: which English strings of the catalogue a French
// text shows, and which texts a French page shows exactly as the English page did (English hard-coded outside it).
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import { SEEDED_TEXTS } from './walk.js';

/** Strings French legitimately shares with English even where the catalogues differ in a longer text. */
export const SHARED = new Set([
  'Datacoop',
  'English',
  'Français',
  'OK',
  'CSV',
  'FHIR',
  'SMART',
  'Apple Health',
  'Google Fit',
]);

/** Every French text of the catalogue: an English string French also uses elsewhere ("Votes", "E-mail") is French. */
const frenchTexts = new Set(Object.values(fr));

/** English strings that differ from their French translation, split at their {placeholders}. */
const englishOnly: { whole: string; fragments: string[] }[] = (Object.keys(en) as (keyof typeof en)[])
  .filter((key) => en[key] !== fr[key] && !SHARED.has(en[key]) && !frenchTexts.has(en[key]))
  .map((key) => ({
    whole: en[key],
    fragments: en[key]
      .split(/\{\w+\}/)
      .map((part) =>
        part
          .trim()
          .replace(/^[.,:;()–—-]+|[.,:;()–—-]+$/g, '')
          .trim(),
      )
      .filter((part) => part.includes(' ') && part.length >= 8),
  }));

const seededLongestFirst = [...SEEDED_TEXTS].sort((a, b) => b.length - a.length);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The English strings a French text shows: whole single texts, or multi-word fragments at word boundaries. */
export function englishIn(text: string): string[] {
  let rest = text.replace(/\s+/g, ' ').trim();
  for (const seeded of seededLongestFirst) rest = rest.replaceAll(seeded, ' ');
  rest = rest.trim();
  if (!rest) return [];
  const found: string[] = [];
  for (const { whole, fragments } of englishOnly) {
    if (rest === whole.trim()) found.push(whole);
    else
      for (const fragment of fragments) {
        if (new RegExp(`(^|[^\\p{L}])${escape(fragment)}($|[^\\p{L}])`, 'u').test(rest)) found.push(fragment);
      }
  }
  return found;
}

const frenchCatalogue = Object.values(fr).join('\n');

/**
 * A text the French page shows exactly as the English one did, which reads as words (not a code, number, date,
 * address or a seeded text) and that no French string contains: an English string hard-coded outside the catalogue.
 */
export function untranslated(text: string, englishPageTexts: ReadonlySet<string>): boolean {
  // The document title is "<page title> — Datacoop": the page title is what is translated.
  const raw = text.replace(/\s+/g, ' ').trim();
  const clean = raw.replace(/ — Datacoop$/, '');
  if (!englishPageTexts.has(raw) || SHARED.has(clean) || !/[a-z]{3,}/.test(clean)) return false;
  if (seededLongestFirst.some((seeded) => seeded.includes(clean) || clean.includes(seeded))) return false;
  // Addresses, file names, receipts, units and signed notes (one token with / or +) are codes, not words.
  if (/@|https?:|^[\w-]+\.\w{2,4}$|^[0-9a-f]{16,}$|^\S*[/+]\S*$/.test(clean)) return false;
  if (/^Voter \d+$/.test(clean)) return false; // the seeded cohort's names (seedMembers)
  return !frenchCatalogue.includes(clean);
}
