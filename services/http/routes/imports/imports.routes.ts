// POST /api/me/imports/:format — a health app's export (Apple Health, Google Fit Takeout), streamed to the vault.
import { IMPORT_FORMATS, type ImportFormat, type Vault } from '../../../vault/index.js';
import type { ApiRouter } from '../../api-router.js';
import { idempotencyKeyOf } from '../../idempotency-key.js';
import { presentImport } from './imports.presenter.js';
import { IMPORT_MEDIA_TYPES, importResultSchema } from './imports.schema.js';

const SUMMARIES: Record<ImportFormat, string> = {
  'apple-health': 'Import an Apple Health export (export.zip or export.xml)',
  'google-fit': 'Import a Google Fit Takeout (the zip, or its daily CSV or one "All data" JSON file)',
};

/** Adds one import route per format (members only: only members have a vault); no path parameter, no id. */
export function importRoutes(api: ApiRouter, vault: Vault, now: () => Date, limits: { bodyLimitBytes: number }): void {
  for (const format of IMPORT_FORMATS) importRoute(api, vault, now, limits, format);
}

function importRoute(
  api: ApiRouter,
  vault: Vault,
  now: () => Date,
  limits: { bodyLimitBytes: number },
  format: ImportFormat,
): void {
  api.route(
    {
      method: 'post',
      path: `/api/me/imports/${format}`,
      summary: `${SUMMARIES[format]}; checked whole, then stored in batches; Idempotency-Key makes retries safe`,
      tag: 'vault',
      access: ['member'],
      rawBody: { types: IMPORT_MEDIA_TYPES, limitBytes: limits.bodyLimitBytes, streamed: true },
      success: {
        status: 201,
        schema: importResultSchema,
        description: 'Stored, duplicates, skipped and refused by type',
      },
      errors: {
        400: 'invalid_import (details: type, code, count), invalid_xml, xml_node_too_large, entities_not_allowed, truncated_export, invalid_encoding, export_xml_missing, takeout_fit_missing, zip_entry_too_large, zip_ratio_too_high, invalid_zip, invalid_json, invalid_csv, invalid_idempotency_key',
        409: 'idempotency_key_reused, upload_in_progress',
        413: 'payload_too_large',
        415: 'unsupported_media_type',
      },
    },
    async ({ actor, ctx }) => {
      const key = idempotencyKeyOf(ctx);
      const result = await vault.importExport(actor!.userId, { format, body: ctx.req }, key, now());
      if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
      return presentImport(result);
    },
  );
}
