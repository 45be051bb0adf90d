// What an import format makes of each record it reads, before the catalogue's rules see it.
import type { ObservationCandidate } from '../../../policies/observations/observation-types.js';

/** One record of an export, as the format mapped it (`type` is the export's own name, for the report). */
export type ImportItem =
  /** A measurement the catalogue holds, still to be validated and converted by the observation rules. */
  | { kind: 'observation'; type: string; candidate: ObservationCandidate }
  /** A share of a daily total (steps): `day` is the local date, `at` the record's instant. */
  | { kind: 'daily-sum'; type: string; category: string; day: string; at: string; amount: number }
  /** An interval of a night's total (asleep time), overlaps counted once. */
  | { kind: 'interval'; type: string; category: string; day: string; start: string; end: string }
  /** A record of a type the catalogue does not hold. */
  | { kind: 'skipped'; type: string }
  /** A record of a held type that cannot be read (`code` says why). */
  | { kind: 'refused'; type: string; code: string };

/** Where a format's items come from: read afresh on each call (an import reads its file twice). */
export type ImportSource = () => AsyncGenerator<ImportItem[]>;
