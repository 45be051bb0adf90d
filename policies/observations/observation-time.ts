// Reading the time of an observation. Accepted: an ISO 8601 / FHIR dateTime with a time zone
// (`2024-03-01T07:15:00+01:00`, `2024-03-01T06:15Z`, a space instead of `T`), or a calendar date alone
// (`2012-09-17`, read as midnight UTC, as FHIR examples often give). A time without a zone is refused: it
// would silently shift by the uploader's offset. A year or a month alone is too coarse to chart.

export type TimeParseResult =
  | { readonly ok: true; readonly epochMs: number }
  | {
      readonly ok: false;
      readonly code: 'invalid_time' | 'imprecise_time' | 'missing_timezone';
      readonly message: string;
    };

const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?`;
const ZONE = String.raw`(?:([Zz])|([+-])(\d{2}):?(\d{2}))?`;
const DATE_TIME = new RegExp(`^${DATE}(?:[Tt ]${TIME}${ZONE})?$`);
const YEAR_OR_MONTH = /^\d{4}(-\d{2})?$/;

/** Parses an observation time to epoch milliseconds (sub-millisecond digits are dropped). */
export function parseEffectiveTime(text: string): TimeParseResult {
  const trimmed = text.trim();
  const shown = JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed);
  if (YEAR_OR_MONTH.test(trimmed)) {
    return { ok: false, code: 'imprecise_time', message: `${shown} needs at least a day (YYYY-MM-DD)` };
  }
  const match = DATE_TIME.exec(trimmed);
  if (!match) return invalid(shown);
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return invalid(shown);
  if (h === undefined) return { ok: true, epochMs: utc(year, month, day, 0, 0, 0, 0) };
  if (zulu === undefined && sign === undefined) {
    return { ok: false, code: 'missing_timezone', message: `${shown} needs a time zone (Z or ±hh:mm)` };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  // Second 60 is a leap second (allowed by FHIR); it lands on the next minute.
  if (hour > 23 || minute > 59 || second > 60 || Number(offH ?? 0) > 14 || Number(offM ?? 0) > 59) {
    return invalid(shown);
  }
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = utc(year, month, day, hour, minute, second, millis);
  return { ok: true, epochMs: local - offsetMinutes * 60_000 };
}

// Date.UTC reads years 0–99 as 1900–1999; 400 Gregorian years are exactly 146,097 days, so shift and back.
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

function utc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  return Date.UTC(year + 400, month - 1, day, h, m, s, ms) - FOUR_CENTURIES_MS;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year + 400, month, 0)).getUTCDate();
}

function invalid(shown: string): TimeParseResult {
  return { ok: false, code: 'invalid_time', message: `${shown} is not a valid ISO 8601 time` };
}
