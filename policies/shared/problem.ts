// The one problem shape of the cooperative's rules: every schema and every cross-field rule in policies/
// reports `{ field, code, message }`, and the service maps a list of them to the one error format.
import type { z } from 'zod';

/** One thing wrong with an input: where (`duo.modifiers[1]`, '' for the whole value), a stable code, and why. */
export interface Problem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Stable codes of a schema's problems, by field pattern (indices written `[]`, e.g. `categories[]`):
 * `'<pattern>'` for any malformed value there, `'<pattern>:<zod issue code>'` for one kind of issue, and
 * `'<pattern>:missing'` for an absent required field; a record's key matches `*` (`categories.*`). Anything not listed keeps the general codes below.
 */
export type ProblemCodes = Readonly<Record<string, string>>;

const registered = new WeakMap<z.ZodType, ProblemCodes>();

/** Attaches stable problem codes to `schema` (the edge and `checkWith` both find them); returns the schema. */
export function withProblemCodes<S extends z.ZodType>(schema: S, codes: ProblemCodes): S {
  registered.set(schema, codes);
  return schema;
}

/** The field path of a zod issue path: object keys joined by dots, array indices in brackets. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let field = '';
  for (const part of path) {
    if (typeof part === 'number') field += `[${part}]`;
    else field += field === '' ? String(part) : `.${String(part)}`;
  }
  return field;
}

/**
 * Validates `value` with `schema`: the output, or every problem at once. The codes are the schema's own
 * (see `withProblemCodes`); otherwise `unknown_field` for a key the schema does not know, `missing_field` for
 * an absent required one, a refinement's `params.code`, else zod's issue code.
 */
export function checkWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { readonly ok: true; readonly value: z.output<S> } | { readonly ok: false; readonly problems: Problem[] } {
  // `reportInput` tells an absent field from a mistyped one; the input itself never leaves this function.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: problemsOf(result.error.issues, registered.get(schema) ?? {}) };
}

/** Problems from zod issues, with `codes` as in `withProblemCodes`. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], codes: ProblemCodes = {}): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const code =
        patternsOf(field)
          .map((p) => codes[`${p}:unrecognized_keys`])
          .find(Boolean) ?? 'unknown_field';
      for (const key of issue.keys) {
        problems.push({ field: field ? `${field}.${key}` : key, code, message: 'This field is not accepted.' });
      }
      continue;
    }
    problems.push({ field, code: codeOf(issue, field, codes), message: issue.message });
  }
  return problems;
}

function codeOf(issue: z.core.$ZodIssue, field: string, codes: ProblemCodes): string {
  const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
  if (typeof own === 'string') return own;
  // An absent enum field is `invalid_value` to zod; with `reportInput`, only an absent field has no input.
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;
  for (const pattern of patternsOf(field)) {
    const code = missing ? codes[`${pattern}:missing`] : (codes[`${pattern}:${issue.code}`] ?? codes[pattern]);
    if (code !== undefined) return code;
  }
  return missing ? 'missing_field' : issue.code;
}

// The patterns a field matches, most precise first: indices as `[]`, then a record's key as `*`.
function patternsOf(field: string): string[] {
  const indexed = field.replace(/\[\d+\]/g, '[]');
  const keyed = indexed.replace(/\.[^.[\]]+$/, '.*');
  return keyed === indexed ? [indexed] : [indexed, keyed];
}

/** A refinement's problem, for `ctx.addIssue` in a schema's cross-field rule. */
export function issue(path: readonly PropertyKey[], code: string, message: string) {
  return { code: 'custom' as const, path: [...path], message, params: { code }, input: undefined };
}
