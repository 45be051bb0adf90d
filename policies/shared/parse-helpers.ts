// Small helpers shared by the upload parsers and the catalogue reader.
import type { ParsedUpload } from '../observations/observation-types.js';

/** Returned by `parseJsonText` instead of throwing, so a parser can report bad JSON as a problem. */
export const INVALID_JSON = Symbol('invalid-json');

/** Parses JSON text, or returns INVALID_JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** An upload refused as a whole (no row index): the body itself is wrong. */
export function wholeUploadProblem(code: string, message: string): ParsedUpload {
  return { rows: [], problems: [{ index: null, field: '', code, message }] };
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
