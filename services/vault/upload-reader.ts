// Turns an upload body (JSON, CSV or FHIR R4) into validated observations, or refuses it whole with every problem.
import { parseCsvObservations, type CsvDialect } from './formats/csv-observations.js';
import { parseFhirObservations } from './formats/fhir-observations.js';
import { parseJsonObservations } from './formats/json-observations.js';
import { validateUploadRows } from '../../policies/observations/observation-rules.js';
import type { NormalisedObservation, UploadProblem } from '../../policies/observations/observation-types.js';
import { AppError, InvalidRequest, type ErrorDetail } from '../errors.js';

export const UPLOAD_MEDIA_TYPES = ['application/json', 'text/csv', 'application/fhir+json'] as const;

/** A problem of an upload as the client sees it: the 0-based row (null: the whole body), field, code, reason. */
export interface UploadProblemDetail extends ErrorDetail {
  index: number | null;
}

/** Parses and validates an upload; all-or-nothing: any problem refuses the whole body (413 for too many rows). */
export function readUpload(
  body: { type: string; text: string },
  now: Date,
  maxRows: number,
  dialect: CsvDialect = {},
): NormalisedObservation[] {
  const options = { maxRows };
  const json = body.type === 'text/csv' ? undefined : parseJsonOrText(body.text);
  if (json !== undefined && typeof json !== 'string') refuseForbiddenKeys(json);
  const parsed =
    json === undefined
      ? parseCsvObservations(body.text, options, dialect)
      : body.type === 'application/fhir+json'
        ? parseFhirObservations(json, options)
        : parseJsonObservations(json, options);
  const tooMany = parsed.problems.find((p) => p.code === 'too_many_rows');
  if (tooMany) throw new AppError(413, 'too_many_rows', `The upload has ${tooMany.message}.`);
  const { observations, problems } = validateUploadRows(parsed, now);
  if (problems.length > 0) {
    const rows = new Set(problems.map((p) => p.index)).size;
    throw new InvalidRequest(
      'invalid_observations',
      `Nothing was stored: ${rows === 1 ? 'one row has' : `${rows} rows have`} problems.`,
      problems.map(toDetail),
    );
  }
  return observations.map((o) => o.observation);
}

/** Parsed JSON, or the text itself when it is not JSON (the parsers then report `invalid_json`). */
function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Keys that only an attack or a confused client sends: query operators and prototype names. */
function isForbiddenKey(key: string): boolean {
  return key.startsWith('$') || key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** Refuses a body with a forbidden key at any depth (walked iteratively: nesting depth cannot exhaust the stack). */
function refuseForbiddenKeys(root: unknown): void {
  const details: UploadProblemDetail[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0 && details.length < 100) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        const field = path ? `${path}.${key}` : key;
        if (isForbiddenKey(key)) {
          details.push({ index: null, field, code: 'forbidden_key', message: `the key "${key}" is not accepted` });
        } else stack.push({ value: (value as Record<string, unknown>)[key], path: field });
      }
    }
  }
  if (details.length > 0) {
    throw new InvalidRequest(
      'forbidden_key',
      'Nothing was stored: the body contains keys that are not accepted.',
      details,
    );
  }
}

function toDetail(problem: UploadProblem): UploadProblemDetail {
  return { index: problem.index, field: problem.field, code: problem.code, message: problem.message };
}
