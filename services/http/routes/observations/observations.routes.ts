// The member's own data: upload, list, series, export — and erasure of the whole account.
import type { Erasure } from '../../../erasure/index.js';
import { UPLOAD_MEDIA_TYPES, type Vault } from '../../../vault/index.js';
import type { ApiRouter } from '../../api-router.js';
import { tagPrivately } from '../../conditional-get.js';
import { serialisedOnce } from '../../serialised-answers.js';
import { idempotencyKeyOf } from '../../idempotency-key.js';
import { exportStream, EXPORT_CONTENT_TYPES } from './export-stream.js';
import { presentObservation } from './observations.presenter.js';
import {
  eraseBody,
  exportQuery,
  listQuery,
  observationPageSchema,
  seriesQuery,
  uploadQuery,
  seriesSchema,
  uploadResultSchema,
} from './observations.schema.js';

/** Adds the vault routes under /api/me (only members have a vault) and DELETE /api/me (the erasure use case). */
export function observationRoutes(
  api: ApiRouter,
  vault: Vault,
  erasure: Erasure,
  now: () => Date,
  limits: { uploadBodyLimitBytes: number },
): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/me/observations',
        summary: 'Upload observations as JSON, CSV or FHIR R4 (all or nothing; Idempotency-Key makes retries safe)',
        tag: 'vault',
        access: ['member'],
        rawBody: { types: UPLOAD_MEDIA_TYPES, limitBytes: limits.uploadBodyLimitBytes },
        query: uploadQuery,
        success: {
          status: 201,
          schema: uploadResultSchema,
          description: 'How many were received, stored and already there',
        },
        errors: {
          400: 'invalid_observations (details list every bad row: index, field, code, message; ambiguous_date_order: choose dateOrder), forbidden_key, invalid_idempotency_key',
          409: 'idempotency_key_reused, upload_in_progress',
          413: 'payload_too_large, too_many_rows',
          415: 'unsupported_media_type',
        },
      },
      async ({ actor, rawBody, query, ctx }) => {
        const result = await vault.upload(actor!.userId, { ...rawBody!, dialect: query }, idempotencyKeyOf(ctx), now());
        if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
        return result;
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/observations',
        summary: 'Your observations in time order, filtered, a page at a time (opaque cursor)',
        tag: 'vault',
        access: ['member'],
        query: listQuery,
        success: { status: 200, schema: observationPageSchema, description: 'One page and the cursor of the next' },
      },
      async ({ actor, query, ctx }) => {
        const page = await vault.list(actor!.userId, query);
        tagPrivately(ctx, page.tag);
        return { observations: page.observations.map(presentObservation), nextCursor: page.nextCursor };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/series',
        summary: 'Daily, weekly or monthly count, mean, min and max of one category (per component for blood pressure)',
        tag: 'vault',
        access: ['member'],
        query: seriesQuery,
        success: { status: 200, schema: seriesSchema, description: 'The series, oldest bucket first' },
      },
      async ({ actor, query, ctx }) => {
        const { unit, points, tag } = await vault.series(actor!.userId, query);
        tagPrivately(ctx, tag);
        // The points object is the vault's remembered answer for this tag (member, version, query): encoded once.
        ctx.type = 'application/json';
        return serialisedOnce(points, tag, () => ({ category: query.category, bucket: query.bucket, unit, points }));
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/export',
        summary: 'Everything you stored, streamed as JSON, CSV or a FHIR R4 collection Bundle',
        tag: 'vault',
        access: ['member'],
        stepUp: true,
        query: exportQuery,
        success: { status: 200, description: 'The export (application/json, text/csv or application/fhir+json)' },
      },
      async ({ actor, query, ctx }) => {
        const exportedAt = now();
        const memberId = actor!.userId;
        await vault.memberKey(memberId);
        ctx.type = EXPORT_CONTENT_TYPES[query.format];
        const extension = query.format === 'fhir' ? 'fhir.json' : query.format;
        ctx.set('Content-Disposition', `attachment; filename="datacoop-export.${extension}"`);
        return exportStream(query.format, vault.exportObservations(memberId), memberId, exportedAt);
      },
    )
    .route(
      {
        method: 'delete',
        path: '/api/me',
        summary: 'Erase your account and all your data (re-enter your password); the data key is destroyed',
        tag: 'me',
        access: ['member', 'researcher'],
        stepUp: true,
        body: eraseBody,
        success: { status: 204, description: 'Erased; every token of yours stops working' },
        errors: { 401: 'invalid_credentials' },
      },
      async ({ actor, body }) => {
        await erasure.eraseMember(actor!.userId, body.password, now());
      },
    );
}
