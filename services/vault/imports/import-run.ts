// One pass over an import's items: validate each through the observation rules (units converted to the
// catalogue's), count what is skipped and refused, and hand valid observations to `store` in bounded batches.
// The check pass runs without `store`; the store pass runs with it, so memory holds one batch and the day totals.
import { CLOCK_SKEW_ALLOWANCE_MS, validateObservation } from '../../../policies/observations/observation-rules.js';
import type { NormalisedObservation, ObservationCandidate } from '../../../policies/observations/observation-types.js';
import { DailyTotals } from './daily-totals.js';
import type { ImportSource } from './import-items.js';

/** Problems that refuse the whole import: the file's units or clock cannot be trusted for that type. */
export const REFUSING_CODES: ReadonlySet<string> = new Set(['unknown_unit', 'future_time']);

export interface ImportTally {
  /** Valid observations read (after daily aggregation). */
  read: number;
  stored: number;
  duplicates: number;
  /** Records of types the catalogue does not hold, by the export's type name. */
  skipped: Record<string, number>;
  /** Records of held types that were not stored, by "type: code" (out_of_range, invalid_time…). */
  refused: Record<string, number>;
  /** Records refusing the whole import, by "type: code" (see REFUSING_CODES). */
  refusing: Record<string, number>;
}

export interface RunOptions {
  now: Date;
  batchSize: number;
  store?: (batch: NormalisedObservation[]) => Promise<{ stored: number; duplicates: number }>;
}

/** Reads every item of `source` once, storing valid observations per batch when `store` is given. */
export async function runImport(source: ImportSource, options: RunOptions): Promise<ImportTally> {
  const tally: ImportTally = { read: 0, stored: 0, duplicates: 0, skipped: {}, refused: {}, refusing: {} };
  const totals = new DailyTotals();
  const latest = options.now.getTime() + CLOCK_SKEW_ALLOWANCE_MS;
  let batch: NormalisedObservation[] = [];
  const refuse = (type: string, code: string) => {
    const counts = REFUSING_CODES.has(code) ? tally.refusing : tally.refused;
    counts[`${type}: ${code}`] = (counts[`${type}: ${code}`] ?? 0) + 1;
  };
  const flush = async () => {
    if (options.store && batch.length > 0) {
      const result = await options.store(batch);
      tally.stored += result.stored;
      tally.duplicates += result.duplicates;
    }
    batch = [];
  };
  const accept = async (type: string, candidate: ObservationCandidate) => {
    const result = validateObservation(candidate, options.now);
    if (!result.ok) return refuse(type, result.problems[0]?.code ?? 'invalid_observation');
    tally.read += 1;
    batch.push(result.observation);
    if (batch.length >= options.batchSize) await flush();
  };

  for await (const items of source()) {
    for (const item of items) {
      if (item.kind === 'skipped') tally.skipped[item.type] = (tally.skipped[item.type] ?? 0) + 1;
      else if (item.kind === 'refused') refuse(item.type, item.code);
      else if (item.kind === 'observation') await accept(item.type, item.candidate);
      else if (Date.parse(item.kind === 'daily-sum' ? item.at : item.end) > latest) refuse(item.type, 'future_time');
      else if (item.kind === 'daily-sum') totals.addSum(item.category, item.day, item.at, item.amount);
      else totals.addInterval(item.category, item.day, item.start, item.end);
    }
  }
  for (const candidate of totals.candidates()) await accept(`daily ${String(candidate.category)}`, candidate);
  await flush();
  return tally;
}
