// Edge validation: a route's zod schema (with the stable codes its rules declare in policies/) checks the input once;
// every problem becomes one 400 with a stable code in the one error format.
import type { z } from 'zod';
import { checkWith } from '../../policies/shared/problem.js';
import { InvalidRequest } from '../errors.js';

/** Parses `value` with `schema` or throws 400 `validation_failed` listing each problem (unknown fields included). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<S> {
  const checked = checkWith(schema, value);
  if (checked.ok) return checked.value;
  const details = checked.problems.map((problem) => (problem.field === '' ? { ...problem, field: where } : problem));
  throw new InvalidRequest('validation_failed', `The request ${where} is not valid.`, details);
}
