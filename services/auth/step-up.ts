// Step-up re-authentication: erasure, admission decisions and exports need the caller to have authenticated (signed
// in, or confirmed with POST /api/auth/step-up) within the last few minutes, not merely to hold a live session.
import type { Actor } from './actor.js';

/** How long a log-in or a step-up counts as fresh: five minutes, as OWASP suggests for sensitive actions. */
export const STEP_UP_MAX_AGE_MS = 5 * 60_000;

/** Tolerance for a clock a little behind the one that signed the token (several instances of the service). */
const CLOCK_SKEW_MS = 5_000;

/** True when the caller's session authenticated within STEP_UP_MAX_AGE_MS of `now` (pure; time passed in). */
export function hasFreshAuthentication(actor: Pick<Actor, 'authTime'>, now: Date): boolean {
  if (actor.authTime === undefined) return false;
  const age = now.getTime() - actor.authTime;
  return age >= -CLOCK_SKEW_MS && age <= STEP_UP_MAX_AGE_MS;
}
