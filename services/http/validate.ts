// Edge validation: zod issues become one 400 with a stable code and every offending field.
import type { z } from 'zod';
import { InvalidRequest, type ErrorDetail } from '../errors.js';

/** Parses `value` with `schema` or throws 400 `validation_failed` listing each problem (unknown fields included). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({
          field: base ? `${base}.${key}` : key,
          code: 'unknown_field',
          message: 'This field is not accepted.',
        });
      }
    } else {
      details.push({ field: base || where, code: issue.code, message: issue.message });
    }
  }
  throw new InvalidRequest('validation_failed', `The request ${where} is not valid.`, details);
}
