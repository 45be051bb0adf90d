// Shapes of the health-app import routes: the media types they take, the summary they answer.
import { z } from 'zod';
import { IMPORT_FORMATS } from '../../../vault/index.js';

/** Media types an export may be sent as (the content decides: a zip archive or the bare file). */
export const IMPORT_MEDIA_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/xml',
  'text/xml',
  'text/csv',
  'application/json',
] as const;

const countsByType = z.record(z.string(), z.number().int());

export const importResultSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  received: z.number().int(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  skipped: countsByType,
  refused: countsByType,
  replayed: z.boolean(),
});
