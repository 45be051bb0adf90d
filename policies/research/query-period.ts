// The period an aggregate answer covers: the requested one widened outward to the policy's date truncation
// (UTC days, months or years), then cut to the policy's own period. Every boundary so lies on a public grid
// (the truncation's units and the policy's two ends), and any period covers at least one unit of that grid, so
// two queries cannot differ by a few days of data: what a member did on one day is always pooled with the rest
// of its unit.
import type { DateTruncation, Period } from './access-policy.js';

// The start of the unit holding `ms` (UTC).
function unitStart(ms: number, unit: DateTruncation): number {
  const d = new Date(ms);
  if (unit === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

// The start of the unit after the one holding `ms`.
function nextUnitStart(ms: number, unit: DateTruncation): number {
  const d = new Date(unitStart(ms, unit));
  if (unit === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

/** `requested` widened to whole units of `unit` and cut to `policy`; `requested` must be non-empty and inside it. */
export function alignPeriod(requested: Period, policy: Period, unit: DateTruncation): Period {
  const fromMs = Date.parse(requested.from);
  const toMs = Date.parse(requested.to);
  const start = unitStart(fromMs, unit);
  // `to` is exclusive: a `to` already on a boundary stays; otherwise it moves to the end of its unit.
  const end = unitStart(toMs, unit) === toMs ? toMs : nextUnitStart(toMs, unit);
  return {
    from: new Date(Math.max(start, Date.parse(policy.from))).toISOString(),
    to: new Date(Math.min(end, Date.parse(policy.to))).toISOString(),
  };
}
