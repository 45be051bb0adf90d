// Plural forms for counts shown to members: the language's own rule (Intl.PluralRules), reduced to the two forms
// our catalogues carry ({key}.one and {key}.other), so French says "1 ligne pose" and "0 ligne", never "ligne(s)".

export type PluralForm = 'one' | 'other';

/** The catalogue form for `count` in `locale`: 'one' where the language uses its singular, else 'other'. */
export function pluralForm(locale: string, count: number): PluralForm {
  return new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
}
