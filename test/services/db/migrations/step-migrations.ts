// Test-only migration lists: a resumable migration in numbered steps, and migrations that count their runs.
import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import type { Migration } from '../../../../services/db/migrations/index.js';

export const STEPS = 6;

/**
 * Version 1: six steps, each an idempotent write of `effects/<step>`, a row in `executions` (one per execution, so
 * a step run twice shows), saved progress, then `step <n>` on `report`.
 */
export function steppedMigration(options: {
  runner: string;
  stepMs: number;
  /** Waits this long after reporting step 3 (the crash test kills the process in that pause). */
  pauseAfterStep3Ms?: number;
  report?: (line: string) => void;
}) {
  const migration: Migration = {
    version: 1,
    name: 'stepped',
    async up(ctx) {
      const from = ((ctx.progress as { done?: number } | undefined)?.done ?? 0) + 1;
      for (let step = from; step <= STEPS; step++) {
        await ctx.db.collection('executions').insertOne({ _id: randomUUID() as never, step, runner: options.runner });
        await ctx.db
          .collection('effects')
          .updateOne({ _id: `step-${step}` as never }, { $set: { step } }, { upsert: true });
        await ctx.saveProgress({ done: step });
        options.report?.(`step ${step}`);
        const pause = step === 3 ? (options.pauseAfterStep3Ms ?? options.stepMs) : options.stepMs;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },
  };
  return [migration];
}

/** Versions 1 … count, each recording one `executions` row per run after `delayMs`. */
export function countedMigrations(count: number, runner: string, delayMs = 100): Migration[] {
  return Array.from({ length: count }, (_, i) => ({
    version: i + 1,
    name: `counted-${i + 1}`,
    async up(ctx: { db: mongo.Db }) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await ctx.db.collection('executions').insertOne({ _id: randomUUID() as never, version: i + 1, runner });
    },
  }));
}
