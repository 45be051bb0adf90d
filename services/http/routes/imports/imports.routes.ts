// POST /api/me/imports/:format — a health app's export (Apple Health, Google Fit Takeout), streamed to the vault.
import type { Vault } from '../../../vault/index.js';
import type { ApiRouter } from '../../api-router.js';
import { idempotencyKeyOf } from '../../idempotency-key.js';
import { presentImport } from './imports.presenter.js';
import { IMPORT_MEDIA_TYPES, importParams, importResultSchema } from './imports.schema.js';

/** Adds the import route (members only: only members have a vault). */
export function importRoutes(api: ApiRouter, vault: Vault, now: () => Date, limits: { bodyLimitBytes: number }): void {
  api.route(
    {
      method: 'post',
      path: '/api/me/imports/:format',
      summary:
        'Import an Apple Health export (export.zip or export.xml) or a Google Fit Takeout (zip, daily CSV or JSON); checked whole, then stored in batches; Idempotency-Key makes retries safe',
      tag: 'vault',
      access: ['member'],
      params: importParams,
      rawBody: { types: IMPORT_MEDIA_TYPES, limitBytes: limits.bodyLimitBytes, streamed: true },
      success: {
        status: 201,
        schema: importResultSchema,
        description: 'Stored, duplicates, skipped and refused by type',
      },
      errors: {
        400: 'invalid_import (details: type, code, count), invalid_xml, entities_not_allowed, truncated_export, invalid_encoding, export_xml_missing, takeout_fit_missing, zip_entry_too_large, zip_ratio_too_high, invalid_zip, invalid_json, invalid_csv, invalid_idempotency_key',
        409: 'idempotency_key_reused, upload_in_progress',
        413: 'payload_too_large',
        415: 'unsupported_media_type',
      },
    },
    async ({ actor, params, ctx }) => {
      const key = idempotencyKeyOf(ctx);
      const result = await vault.importExport(actor!.userId, { format: params.format, body: ctx.req }, key, now());
      if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
      return presentImport(result);
    },
  );
}
