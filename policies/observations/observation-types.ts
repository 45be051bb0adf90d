// Shapes shared by the observation rules, the upload parsers and the exporters.
import type { Problem } from '../shared/problem.js';

export const OBSERVATION_SOURCES = ['manual', 'csv', 'fhir', 'device'] as const;
export type ObservationSource = (typeof OBSERVATION_SOURCES)[number];

interface ObservationBase {
  /** Catalogue code, e.g. `heart-rate`. */
  readonly category: string;
  /** The category's canonical UCUM unit. */
  readonly unit: string;
  /** ISO 8601 instant in UTC with milliseconds, e.g. `2024-03-01T07:15:00.000Z`. */
  readonly effectiveAt: string;
  readonly source: ObservationSource;
  readonly note?: string;
}

/** A valid observation in canonical form: either one value or named components, never both. */
export type NormalisedObservation = ObservationBase &
  (
    | { readonly value: number; readonly components?: undefined }
    | { readonly value?: undefined; readonly components: Readonly<Record<string, number>> }
  );

/** What an upload row or a manual entry looks like before validation: anything may be wrong with it. */
export interface ObservationCandidate {
  category?: unknown;
  value?: unknown;
  components?: unknown;
  unit?: unknown;
  effectiveAt?: unknown;
  source?: unknown;
  note?: unknown;
}

/** One reason why an observation is invalid; `code` is stable snake_case, `field` names the input field. */
export type ObservationProblem = Problem;

/** A problem in an upload: `index` is the 0-based row (CSV data row, JSON item, Bundle entry), or null
 * when it concerns the whole body (empty file, missing column, too many rows). */
export interface UploadProblem extends ObservationProblem {
  readonly index: number | null;
}

/** What a parser makes of an upload body: candidates to validate, and the rows it could not read. */
export interface ParsedUpload {
  readonly rows: readonly { readonly index: number; readonly candidate: ObservationCandidate }[];
  readonly problems: readonly UploadProblem[];
}

export interface ParseOptions {
  /** More rows than this is refused as a whole with `too_many_rows`. */
  readonly maxRows?: number;
}

/** Default cap on rows in one upload (the service answers 413 beyond it). */
export const DEFAULT_MAX_ROWS = 100_000;
