// The unit the privacy budget is counted in and a query's default share of it, on their own so that the browser
// (the researcher's query form) uses the same figures without the policy schema.

/** Micro-ε per ε: budgets are counted in integers of this unit so that repeated debits never drift. */
export const MICRO_PER_EPSILON = 1_000_000;

/** A query that names no ε spends a tenth of the policy's total budget. */
export const DEFAULT_QUERY_SHARE = 10;
