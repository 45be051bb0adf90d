// Time enters the policies only as a value passed in by the caller; nothing here reads a clock.
export type Instant = Date | number;

// Converts a Date or epoch milliseconds to epoch milliseconds, refusing invalid dates loudly.
export function toEpochMs(instant: Instant, name = 'instant'): number {
  // An Invalid Date compares false with everything, which would silently read as "not yet"; refuse it.
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isSafeInteger(ms)) throw new Error(`${name} is not a valid time: ${String(instant)}`);
  return ms;
}

// Like toEpochMs, for optional fields stored as null or left out.
export function toOptionalEpochMs(instant: Instant | null | undefined, name = 'instant'): number | null {
  return instant === null || instant === undefined ? null : toEpochMs(instant, name);
}

export const MS_PER_HOUR = 3_600_000;
