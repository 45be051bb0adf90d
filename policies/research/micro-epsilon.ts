// The unit the privacy budget is counted in, on its own so that the browser can use it without the policy schema.

/** Micro-ε per ε: budgets are counted in integers of this unit so that repeated debits never drift. */
export const MICRO_PER_EPSILON = 1_000_000;
