import { describe, expect, it } from 'vitest';
import { checkWith } from '../../../policies/shared/problem.js';
import { displayTextSchema, isDisplayableText } from '../../../policies/shared/display-text.js';

describe('isDisplayableText', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['a line feed', 'a\nb'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['LRE', 'a\u202Ab'],
    ['RLO', 'a\u202Eb'],
    ['LRI', 'a\u2066b'],
    ['PDI', 'a\u2069b'],
    ['a lone high surrogate at the end', 'ab\ud83c'],
    ['a lone low surrogate at the start', '\udf3bab'],
    ['two high surrogates', '\ud83c\ud83c'],
  ])('refuses %s', (_label, value) => {
    expect(isDisplayableText(value)).toBe(false);
  });

  it.each([
    ['Latin with accents', 'Zoë Ødegård-Łukasz'],
    ['CJK', '山田 花子'],
    ['Arabic (right to left by itself)', 'مريم'],
    ['an emoji as a surrogate pair', 'Anna 🌻'],
    ['a zero-width joiner in an emoji sequence', '👩‍🔬'],
  ])('accepts %s', (_label, value) => {
    expect(isDisplayableText(value)).toBe(true);
  });
});

describe('displayTextSchema', () => {
  const schema = displayTextSchema(1, 5);

  it('trims, then counts the length', () => {
    expect(checkWith(schema, '  Anna  ')).toEqual({ ok: true, value: 'Anna' });
    expect(checkWith(schema, '   ').ok).toBe(false);
  });

  it('answers invalid_characters with the field’s problem shape', () => {
    const checked = checkWith(schema, 'a\u202Eb');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems).toEqual([expect.objectContaining({ code: 'invalid_characters' })]);
  });
});
