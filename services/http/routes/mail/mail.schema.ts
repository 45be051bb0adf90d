// Shapes of the mail routes (one-click unsubscribe, the demo outbox).
import { z } from 'zod';

export const unsubscribeQuery = z.strictObject({ token: z.string().min(10).max(600) });
export const unsubscribedSchema = z.object({ kind: z.string().describe('The kind of message switched off') });
export const outboxEntrySchema = z.object({ file: z.string(), date: z.string(), to: z.string(), subject: z.string() });
export const outboxFileParams = z.strictObject({ file: z.string().regex(/^[\w.-]{1,200}\.eml$/) });
