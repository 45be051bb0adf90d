// JSON uploads: `{ "observations": [ { category, value | components, unit, effectiveAt, source?, note? } ] }`.
// Only those fields are read (other keys, such as an `id` from an earlier export, are ignored), and only as
// own properties, so keys like `__proto__` never matter. `source` defaults to `manual`.
import {
  DEFAULT_MAX_ROWS,
  type ObservationCandidate,
  type ParsedUpload,
  type ParseOptions,
  type UploadProblem,
} from '../../../policies/observations/observation-types.js';
import { INVALID_JSON, isRecord, parseJsonText, wholeUploadProblem } from '../../../policies/shared/parse-helpers.js';

const FIELDS = ['category', 'value', 'components', 'unit', 'effectiveAt', 'source', 'note'] as const;

/** Turns a JSON upload (text or parsed) into candidate observations indexed by their array position. */
export function parseJsonObservations(body: unknown, options: ParseOptions = {}): ParsedUpload {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const parsed = typeof body === 'string' ? parseJsonText(body) : body;
  if (parsed === INVALID_JSON) return wholeUploadProblem('invalid_json', 'the body is not valid JSON');
  const list = isRecord(parsed) && Object.hasOwn(parsed, 'observations') ? parsed.observations : undefined;
  if (!Array.isArray(list)) return wholeUploadProblem('invalid_body', 'expected an object { "observations": [...] }');
  if (list.length === 0) return wholeUploadProblem('no_rows', 'observations is empty');
  if (list.length > maxRows) {
    return wholeUploadProblem('too_many_rows', `more than ${maxRows} observations; split the upload`);
  }
  const rows: { index: number; candidate: ObservationCandidate }[] = [];
  const problems: UploadProblem[] = [];
  list.forEach((item: unknown, index) => {
    if (isRecord(item)) rows.push({ index, candidate: pickFields(item) });
    else
      problems.push({
        index,
        field: '',
        code: 'invalid_observation',
        message: 'an observation must be an object',
      });
  });
  return { rows, problems };
}

function pickFields(item: Record<string, unknown>): ObservationCandidate {
  const candidate: ObservationCandidate = { source: 'manual' };
  for (const field of FIELDS) {
    if (Object.hasOwn(item, field) && item[field] !== undefined) candidate[field] = item[field];
  }
  return candidate;
}
