import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkWith, fieldPath, issue, withProblemCodes } from '../../../policies/shared/problem.js';

const schema = withProblemCodes(
  z
    .strictObject({
      name: z.string().max(3),
      tags: z.array(z.enum(['a', 'b'])),
      levels: z.partialRecord(z.enum(['x', 'y']), z.enum(['low', 'high'])).optional(),
      count: z.number().int().optional(),
    })
    .superRefine((value, ctx) => {
      if (value.name === 'no') ctx.addIssue(issue(['name'], 'refused_name', 'Not that name.'));
    }),
  {
    name: 'invalid_name',
    'name:too_big': 'too_long',
    'tags[]': 'invalid_tag',
    'levels:unrecognized_keys': 'unknown_level_key',
    'levels.*': 'invalid_level',
  },
);

const codes = (value: unknown) => {
  const checked = checkWith(schema, value);
  return checked.ok ? [] : checked.problems.map((p) => `${p.field}:${p.code}`);
};

describe('fieldPath', () => {
  it.each([
    [[], ''],
    [['duo', 'modifiers', 1], 'duo.modifiers[1]'],
    [['categories', 'heart-rate'], 'categories.heart-rate'],
    [[0, 'name'], '[0].name'],
  ])('writes %j as %s', (path, field) => {
    expect(fieldPath(path)).toBe(field);
  });
});

describe('checkWith', () => {
  it('gives the parsed value when the input is valid', () => {
    expect(checkWith(schema, { name: 'ok', tags: ['a'] })).toEqual({ ok: true, value: { name: 'ok', tags: ['a'] } });
  });

  it.each([
    ['an absent field', { tags: [] }, 'name:missing_field'],
    ['a mistyped field, by the schema’s code', { name: 1, tags: [] }, 'name:invalid_name'],
    ['one kind of issue, by its own code', { name: 'long', tags: [] }, 'name:too_long'],
    ['an item, by its pattern', { name: 'ok', tags: ['a', 'z'] }, 'tags[1]:invalid_tag'],
    ['an unknown field', { name: 'ok', tags: [], extra: 1 }, 'extra:unknown_field'],
    [
      'an unknown record key, by its code',
      { name: 'ok', tags: [], levels: { z: 'low' } },
      'levels.z:unknown_level_key',
    ],
    ['a record value, by the key wildcard', { name: 'ok', tags: [], levels: { x: 'max' } }, 'levels.x:invalid_level'],
    ['a refinement, by its params.code', { name: 'no', tags: [] }, 'name:refused_name'],
    ['anything unlisted, by zod’s code', { name: 'ok', tags: [], count: 1.5 }, 'count:invalid_type'],
  ])('reports %s', (_what, value, expected) => {
    expect(codes(value)).toEqual([expected]);
  });

  it('lists every problem at once', () => {
    expect(codes({ name: 2, tags: ['z'], extra: true })).toEqual([
      'name:invalid_name',
      'tags[0]:invalid_tag',
      'extra:unknown_field',
    ]);
  });

  it('never echoes the input in a problem', () => {
    const checked = checkWith(schema, { name: 'secret-value-xyz'.repeat(2), tags: [] });
    expect(JSON.stringify(checked)).not.toContain('secret-value-xyz');
  });
});
