// Upload: validate the whole body (all or nothing), then store its new observations; a repeated Idempotency-Key
// replays the first result instead of storing again.
import { createHash, createHmac } from 'node:crypto';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import type { CsvDialect } from './formats/csv-observations.js';
import type { UploadIdempotency } from './upload-idempotency.js';
import { readUpload } from './upload-reader.js';
import type { VaultStore } from './vault-store.js';
import { IDEMPOTENCY_COLLECTION, type StoreResult } from './vault.model.js';

export interface UploadResult extends StoreResult {
  /** True when this answer repeats the first result for the same Idempotency-Key. */
  replayed: boolean;
}

/** An upload's body as received, and how its CSV writes local times (ignored for JSON and FHIR). */
export interface UploadBody {
  type: string;
  text: string;
  dialect?: CsvDialect | undefined;
}

export interface UploadDeps {
  store: VaultStore;
  idempotency: UploadIdempotency;
  dataKeyOf(memberId: string): Promise<Buffer>;
  uploadMaxRows: number;
}

/** Validates an upload (all or nothing) and stores its new observations; a repeated Idempotency-Key replays. */
export async function uploadObservations(
  deps: UploadDeps,
  memberId: string,
  body: UploadBody,
  idempotencyKey: string | undefined,
  now: Date,
): Promise<UploadResult> {
  const observations = readUpload(body, now, deps.uploadMaxRows, body.dialect);
  const key = await deps.dataKeyOf(memberId);
  if (idempotencyKey === undefined)
    return { ...(await deps.store.store(memberId, key, observations)), replayed: false };

  const id = `${memberId}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  // The dialect is part of what was asked: the same key with another time zone or date order is another request.
  const dialect =
    body.dialect?.timeZone || body.dialect?.dateOrder
      ? JSON.stringify([body.dialect.timeZone ?? null, body.dialect.dateOrder ?? null])
      : '';
  const fingerprint = createHmac('sha256', key)
    .update(body.type)
    .update('\u0000')
    .update(body.text)
    .update(dialect ? `\u0000${dialect}` : '')
    .digest('hex');
  const binding: Binding = { collection: IDEMPOTENCY_COLLECTION, recordId: id, memberId, schemaVersion: 1 };
  const start = await deps.idempotency.begin(id, memberId, fingerprint, now);
  if ('replay' in start) return { ...openJson<StoreResult>(key, start.replay, binding), replayed: true };
  let result: StoreResult;
  try {
    result = await deps.store.store(memberId, key, observations);
  } catch (error) {
    // Let a retry run again at once: storing is itself free of duplicates.
    await start.run.fail(now);
    throw error;
  }
  // Committed: if recording the result fails, the client retries and the rerun finds everything stored.
  await start.run.succeed(sealJson(key, result, binding));
  return { ...result, replayed: false };
}
