// English and French: one dictionary per language (French must have every English key), Intl for dates and
// numbers, the choice remembered in localStorage. Elements re-render through LocaleController. Each dictionary is
// its own chunk, loaded when its language is first used: a page carries only the language it shows (the entry,
// src/main.ts, loads the chosen one before the app renders).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MessageKey } from './en.js';
import { pluralForm } from './plural.js';

export type Locale = 'en' | 'fr';
export const locales: readonly Locale[] = ['en', 'fr'];
const STORAGE_KEY = 'datacoop.lang';
type Dictionary = Record<MessageKey, string>;
const dictionaries: Partial<Record<Locale, Dictionary>> = {};
const changes = new EventTarget();

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

let current: Locale = initialLocale();
/** The language last asked for (setLocale), which `current` becomes once its dictionary is loaded. */
let requested: Locale = current;
document.documentElement.lang = current;

/** Loads a language's dictionary (once); `t` answers in a language only after this. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (dictionaries[locale]) return;
  dictionaries[locale] = locale === 'fr' ? (await import('./fr.js')).fr : (await import('./en.js')).en;
}

/** The language in use. */
export function getLocale(): Locale {
  return current;
}

/** Switches language (once its dictionary is loaded), remembers it and re-renders every element with a LocaleController. */
export async function setLocale(locale: Locale): Promise<void> {
  requested = locale;
  // Remembered at once: a page left before the dictionary arrives opens the next one in this language.
  localStorage.setItem(STORAGE_KEY, locale);
  if (locale === current) return;
  await loadLocale(locale);
  if (requested !== locale) return; // chosen again meanwhile: the later choice wins
  current = locale;
  document.documentElement.lang = locale;
  changes.dispatchEvent(new Event('change'));
}

/** A message in the current language; `{name}` placeholders are replaced by params. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  // Before its dictionary is loaded (never, past src/main.ts) a message shows as its key, not as nothing.
  const template = dictionaries[current]?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** The base of the keys that come as a pair `<base>.one` / `<base>.other`. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** A counted message: the plural form of `count` in the current language, with `{count}` and `params` filled. */
export function tPlural(base: PluralKey, count: number, params: Record<string, string | number> = {}): string {
  const form = pluralForm(current === 'fr' ? 'fr-CH' : 'en-GB', count);
  return t(`${base}.${form}` as MessageKey, { ...params, count });
}

/** A message key when it exists (for codes coming from the service), else undefined. */
export function hasMessage(key: string): key is MessageKey {
  // Every language has every English key (test/web/i18n-catalogue.test.ts), so the current one answers for all.
  const dictionary = dictionaries[current];
  return dictionary !== undefined && Object.hasOwn(dictionary, key);
}

/** Formats a number for the current locale. */
export function formatNumber(value: number, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(current === 'fr' ? 'fr-CH' : 'en-GB', { maximumFractionDigits }).format(value);
}

/** Formats a date (no time) for the current locale. */
export function formatDate(value: Date | string | number, style: 'medium' | 'short' = 'medium'): string {
  return new Intl.DateTimeFormat(current === 'fr' ? 'fr-CH' : 'en-GB', { dateStyle: style }).format(new Date(value));
}

/** Formats an inclusive range of days for the current locale ("1 Jan 2025 – 31 May 2027"). */
export function formatDateRange(from: Date | string | number, to: Date | string | number): string {
  const format = new Intl.DateTimeFormat(current === 'fr' ? 'fr-CH' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  });
  return format.formatRange(new Date(from), new Date(to));
}

/** Joins words as the current language does ("sex and age band", « sexe et tranche d’âge »). */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(current === 'fr' ? 'fr-CH' : 'en-GB', { style: 'long', type: 'conjunction' }).format(
    items,
  );
}

/** Formats a date and time for the current locale. */
export function formatDateTime(value: Date | string | number): string {
  return new Intl.DateTimeFormat(current === 'fr' ? 'fr-CH' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(value));
}

/** Re-renders its host whenever the language changes. */
export class LocaleController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    changes.addEventListener('change', this.onChange);
  }
  hostDisconnected(): void {
    changes.removeEventListener('change', this.onChange);
  }
}
