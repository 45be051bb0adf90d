// Small zod building blocks shared by the rules' schemas (instants, sets), so each rule is said once.
import { z } from 'zod';
import { issue } from './problem.js';

/** An instant exactly as `toISOString` writes it (UTC, milliseconds): a date without a zone would be local time. */
export const canonicalInstantSchema = z.iso
  .datetime({ precision: 3 })
  .refine((text) => !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text, {
    message: 'Use an ISO 8601 UTC instant like 2025-01-01T00:00:00.000Z.',
  })
  .describe('ISO 8601 UTC instant with milliseconds, e.g. 2025-01-01T00:00:00.000Z');

/** A list of distinct `item`s (a repeat is the problem `duplicateCode` at its index). */
export function setOf<T extends z.ZodType<string>>(item: T, options: { max: number; duplicateCode: string }) {
  return z
    .array(item)
    .max(options.max)
    .meta({ uniqueItems: true })
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      for (const [i, value] of values.entries()) {
        if (seen.has(value)) ctx.addIssue(issue([i], options.duplicateCode, `${value} is listed twice`));
        seen.add(value);
      }
    });
}
