// Shapes of the vault endpoints (the bodies of uploads are parsed by the policies' own parsers).
import { z } from 'zod';
import { listCategories } from '../../../../policies/observations/catalogue.js';
import { isTimeZone } from '../../../vault/index.js';

const categoryCodes = listCategories().map((c) => c.code) as [string, ...string[]];
const categorySchema = z.enum(categoryCodes);
const instantSchema = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

export const listQuery = z.strictObject({
  category: categorySchema.optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/)
    .optional()
    .describe('nextCursor of the previous page, as given (base64url); anything else is 400 invalid_cursor'),
});

export const seriesQuery = z.strictObject({
  category: categorySchema,
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  bucket: z.enum(['day', 'week', 'month']).default('day'),
});

export const uploadQuery = z.strictObject({
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, { message: 'not a known IANA time zone' })
    .optional()
    .describe('IANA time zone of local times in a CSV (14.03.2024 08:05); the web page sends the browser’s'),
  dateOrder: z
    .enum(['day-first', 'month-first'])
    .optional()
    .describe('Order of slash dates in a CSV (03/04/2024) when the file does not settle it'),
});

export const exportQuery = z.strictObject({ format: z.enum(['json', 'csv', 'fhir']).default('json') });

export const eraseBody = z.strictObject({ password: z.string().min(1).max(1024) });

export const observationSchema = z.object({
  id: z.string(),
  category: z.string(),
  value: z.number().optional(),
  components: z.record(z.string(), z.number()).optional(),
  unit: z.string(),
  effectiveAt: z.string(),
  source: z.enum(['manual', 'csv', 'fhir', 'device']),
  note: z.string().optional(),
});

export const uploadResultSchema = z.object({
  received: z.number().int(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  replayed: z.boolean(),
});

export const observationPageSchema = z.object({
  observations: z.array(observationSchema),
  nextCursor: z.string().nullable(),
});

const statisticsSchema = z.object({ count: z.number(), mean: z.number(), min: z.number(), max: z.number() });

export const seriesSchema = z.object({
  category: z.string(),
  unit: z.string(),
  bucket: z.enum(['day', 'week', 'month']),
  points: z.array(
    z.object({
      start: z.string(),
      count: z.number(),
      stats: statisticsSchema.optional(),
      components: z.record(z.string(), statisticsSchema).optional(),
    }),
  ),
});
