// Creating observations one resource at a time (the FHIR API): the upload use case as it is — the same parsing,
// validation, sealing, deduplication and Idempotency-Key — then the stored observation of every row, read back.
import { monthOf, duplicateKey } from './chunk-codec.js';
import { uploadObservations, type UploadBody, type UploadDeps, type UploadResult } from './upload-observations.js';
import { readUpload } from './upload-reader.js';
import type { StoredObservation } from './vault.model.js';

/** An upload's result with, for every row of the body in order, the observation as stored (with its id). */
export interface CreateResult extends UploadResult {
  observations: StoredObservation[];
}

/** Uploads `body` through the upload use case, then finds each of its rows in the vault (new or already there). */
export async function createObservations(
  deps: UploadDeps,
  memberId: string,
  body: UploadBody,
  idempotencyKey: string | undefined,
  now: Date,
): Promise<CreateResult> {
  const result = await uploadObservations(deps, memberId, body, idempotencyKey, now);
  // The body passed the same check a moment ago; reading it again gives the rows to look for.
  const rows = readUpload(body, now, deps.uploadMaxRows, body.dialect);
  const key = await deps.dataKeyOf(memberId);
  const head = await deps.store.readHead(memberId, key);
  const wanted = new Set(rows.map((row) => `${row.category}|${monthOf(row.effectiveAt)}`));
  const refs = head.chunks.filter((ref) => wanted.has(`${ref.category}|${ref.month}`));
  const stored = new Map<string, StoredObservation>();
  for (const observation of await deps.store.read(memberId, key, {}, { ...head, chunks: refs })) {
    const same = duplicateKey(observation);
    if (!stored.has(same)) stored.set(same, observation);
  }
  const observations = rows.map((row) => {
    const found = stored.get(duplicateKey(row));
    // Committed above (or by the first attempt of this key): a row missing now is a broken invariant.
    if (!found) throw new Error('a created observation is not in the vault');
    return found;
  });
  return { ...result, observations };
}
