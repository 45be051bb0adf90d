// What the ε a researcher chooses for one query buys, before it is spent: the default offered (a tenth of the
// policy's budget, as the service would take, never more than is left), the step of the form's input, and how
// close a released count is to the truth, with the service's own formula (policies/research/noise-interval.ts).
import { splitEpsilon } from '../../policies/research/epsilon-split.js';
import { DEFAULT_QUERY_SHARE, MICRO_PER_EPSILON } from '../../policies/research/micro-epsilon.js';
import { INTERVAL_LEVEL, discreteLaplaceHalfWidth } from '../../policies/research/noise-interval.js';

/** The form offers ε in thousandths (the API takes up to six decimals). */
export const EPSILON_STEP = 0.001;

// Whole thousandths, as a number of them (dividing by 1000 gives the closest double, e.g. 0.3 and not 0.30000000000000004).
const thousandths = (epsilon: number): number => Math.floor(epsilon * 1000 + 1e-9);

/** The ε first offered: a tenth of the budget, at most what is left, rounded down to the form's step (0 when spent). */
export function defaultEpsilon(budget: number, remaining: number): number {
  return thousandths(Math.min(budget / DEFAULT_QUERY_SHARE, remaining)) / 1000;
}

/** The largest ε the form accepts: what is left, rounded down to the form's step. */
export function maxEpsilon(remaining: number): number {
  return thousandths(remaining) / 1000;
}

/**
 * ± how many members a released count (a count, or a histogram's bin) is from the true count, 19 times in 20, when
 * `epsilon` is spent on a category of `components` values (each component gets an equal share). Undefined for an ε
 * the service would refuse.
 */
export function countHalfWidth(epsilon: number, components: number): number | undefined {
  const micro = Math.round(epsilon * MICRO_PER_EPSILON);
  // The service's own split (and its refusal of an ε below two micro-ε per component, policies/research/decide.ts).
  const split = splitEpsilon(micro, components);
  if (!Number.isFinite(micro) || !split.ok || split.eachMicro < 2) return undefined;
  return discreteLaplaceHalfWidth(1, split.eachMicro, 1 - INTERVAL_LEVEL);
}

/** How many more queries of this ε the budget left after this one allows. */
export function queriesLeftAfter(epsilon: number, remaining: number): number {
  if (!(epsilon > 0)) return 0;
  const micro = Math.round(epsilon * MICRO_PER_EPSILON);
  return Math.max(0, Math.floor((Math.round(remaining * MICRO_PER_EPSILON) - micro) / micro));
}
