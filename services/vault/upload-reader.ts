// Turns an upload body (JSON, CSV or FHIR R4) into validated observations, or refuses it whole with every problem.
import { parseCsvObservations } from '../../policies/csv-observations.js';
import { parseFhirObservations } from '../../policies/fhir-observations.js';
import { parseJsonObservations } from '../../policies/json-observations.js';
import { validateUploadRows } from '../../policies/observation-rules.js';
import type { NormalisedObservation, UploadProblem } from '../../policies/observation-types.js';
import { AppError, InvalidRequest, type ErrorDetail } from '../errors.js';

export const UPLOAD_MEDIA_TYPES = ['application/json', 'text/csv', 'application/fhir+json'] as const;

/** A problem of an upload as the client sees it: the 0-based row (null: the whole body), field, code, reason. */
export interface UploadProblemDetail extends ErrorDetail {
  index: number | null;
}

/** Parses and validates an upload; all-or-nothing: any problem refuses the whole body (413 for too many rows). */
export function readUpload(body: { type: string; text: string }, now: Date, maxRows: number): NormalisedObservation[] {
  const options = { maxRows };
  const parsed =
    body.type === 'text/csv'
      ? parseCsvObservations(body.text, options)
      : body.type === 'application/fhir+json'
        ? parseFhirObservations(body.text, options)
        : parseJsonObservations(body.text, options);
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

function toDetail(problem: UploadProblem): UploadProblemDetail {
  return { index: problem.index, field: problem.field, code: problem.code, message: problem.message };
}
