// POST /fhir: a transaction or batch Bundle whose entries each create one Observation (`request.method` POST,
// `request.url` Observation). Anything else is refused whole with every offending entry named. Pure.
import { InvalidRequest, type ErrorDetail } from '../../errors.js';

/** The most entries one Bundle may hold (a larger one is refused; split it). */
export const MAX_BUNDLE_ENTRIES = 1_000;

export interface BundleRequest {
  type: 'transaction' | 'batch';
  resources: Record<string, unknown>[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a transaction/batch Bundle of Observation creates, or throws 400 `invalid_bundle` naming each problem. */
export function readBundleRequest(body: unknown): BundleRequest {
  const refuse = (details: ErrorDetail[]) => {
    throw new InvalidRequest(
      'invalid_bundle',
      'The Bundle is not a transaction or batch of Observation creates.',
      details,
    );
  };
  if (!isRecord(body) || body.resourceType !== 'Bundle') {
    return refuse([{ field: 'resourceType', code: 'not_a_bundle', message: 'POST /fhir takes a Bundle' }]);
  }
  if (body.type !== 'transaction' && body.type !== 'batch') {
    return refuse([{ field: 'type', code: 'unsupported_bundle_type', message: 'type must be transaction or batch' }]);
  }
  const entries = body.entry;
  if (!Array.isArray(entries) || entries.length === 0) {
    return refuse([{ field: 'entry', code: 'no_entries', message: 'the Bundle has no entries' }]);
  }
  if (entries.length > MAX_BUNDLE_ENTRIES) {
    return refuse([{ field: 'entry', code: 'too_many_entries', message: `at most ${MAX_BUNDLE_ENTRIES} entries` }]);
  }
  const details: ErrorDetail[] = [];
  const resources: Record<string, unknown>[] = [];
  entries.forEach((entry: unknown, i) => {
    const request = isRecord(entry) && isRecord(entry.request) ? entry.request : undefined;
    const resource = isRecord(entry) && isRecord(entry.resource) ? entry.resource : undefined;
    const url = typeof request?.url === 'string' ? request.url.replace(/^.*\/fhir\//, '') : undefined;
    if (request?.method !== 'POST' || url !== 'Observation') {
      details.push({ field: `entry[${i}].request`, code: 'unsupported_request', message: 'only POST Observation' });
    } else if (resource?.resourceType !== 'Observation') {
      details.push({ field: `entry[${i}].resource`, code: 'not_an_observation', message: 'expected an Observation' });
    } else resources.push(resource);
  });
  if (details.length > 0) refuse(details);
  return { type: body.type, resources };
}
