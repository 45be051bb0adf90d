// How far a noisy value may be from the truth: the interval every answer states, and the one the researcher's
// query form shows before ε is spent. Pure arithmetic (no randomness), so the browser uses the same formulas.
import { MICRO_PER_EPSILON } from './micro-epsilon.js';

/** The two-sided level of every interval an answer states. */
export const INTERVAL_LEVEL = 0.95;

// The half-width w, in the statistic's integer units, with P(|Z| > w) ≤ alpha for the discrete Laplace noise
// Z of sensitivity Δ and ε: P(|Z| > w) = 2p^(w+1)/(1+p) with p = exp(−ε/Δ).
export function discreteLaplaceHalfWidth(sensitivity: number, epsilonMicro: number, alpha: number): number {
  const p = Math.exp(-epsilonMicro / MICRO_PER_EPSILON / sensitivity);
  if (p <= 0) return 0;
  return Math.max(0, Math.ceil(Math.log((alpha * (1 + p)) / 2) / Math.log(p)) - 1);
}

// The scale b = Δ/ε of that noise, in the statistic's integer units (what an answer calls its noise scale).
export function noiseScale(sensitivity: number, epsilonMicro: number): number {
  return (sensitivity * MICRO_PER_EPSILON) / epsilonMicro;
}
