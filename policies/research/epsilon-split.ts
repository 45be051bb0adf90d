// How a query's ε is shared by the components of its category (blood pressure: systolic and diastolic): equally,
// in whole micro-ε, and only if every component's share can pay for a mean (two micro-ε each).

/** The micro-ε each component may spend, or a denial when the query's ε is too small to split. */
export type EpsilonSplit = { ok: true; eachMicro: number } | { ok: false; reason: 'invalid_epsilon' };

/** Splits `epsilonMicro` over `components` components (0 or 1: the category has a single value). */
export function splitEpsilon(epsilonMicro: number, components: number): EpsilonSplit {
  if (components > 1 && epsilonMicro < 2 * components) return { ok: false, reason: 'invalid_epsilon' };
  return { ok: true, eachMicro: Math.floor(epsilonMicro / Math.max(1, components)) };
}
