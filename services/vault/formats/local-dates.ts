// Dates and times as spreadsheets in Switzerland and France write them — `14.03.2024 08:05`, `14/03/2024`,
// `2024-03-14 08:05` — turned into the ISO 8601 text the observation rules read. A wall-clock time needs the time
// zone it was taken in (the web page sends the browser's); without one it stays a local ISO time, which the rules
// refuse with `missing_timezone`. Slashes are ambiguous (14/03 or 03/14): the order is read from the file when a
// day above 12 settles it, else the uploader chooses (`dateOrder`); dots and dashes are always day first.

export type DateOrder = 'day-first' | 'month-first';

/** A local date (and maybe time), split; `separator` tells whether its order is ambiguous. */
interface LocalDate {
  first: number;
  second: number;
  year: number;
  time: { hour: number; minute: number; second: number } | undefined;
  separator: '.' | '/' | '-' | 'iso';
}

const DAY_FIRST = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

function splitLocal(text: string): LocalDate | undefined {
  const trimmed = text.trim();
  const iso = ISO_LOCAL.exec(trimmed);
  if (iso) {
    const [, y, mo, d, h, mi, s] = iso;
    const time = { hour: Number(h), minute: Number(mi), second: Number(s ?? 0) };
    return { first: Number(d), second: Number(mo), year: Number(y), time, separator: 'iso' };
  }
  const local = DAY_FIRST.exec(trimmed);
  if (!local) return undefined;
  const [, a, separator, b, y, h, mi, s] = local;
  const time = h === undefined ? undefined : { hour: Number(h), minute: Number(mi), second: Number(s ?? 0) };
  return { first: Number(a), second: Number(b), year: Number(y), time, separator: separator as '.' | '/' | '-' };
}

/**
 * The order of the file's slash dates: the one asked for, or the one a day above 12 proves; `ambiguous` when every
 * such date could be either, `conflicting` when the file has both kinds. Files without slash dates need none.
 */
export function dateOrderOf(
  cells: Iterable<string | undefined>,
  asked: DateOrder | undefined,
): DateOrder | 'ambiguous' | 'conflicting' | undefined {
  if (asked) return asked;
  let dayFirst = false;
  let monthFirst = false;
  let slashes = false;
  for (const cell of cells) {
    const local = cell === undefined ? undefined : splitLocal(cell);
    if (local?.separator !== '/') continue;
    slashes = true;
    if (local.first > 12) dayFirst = true;
    if (local.second > 12) monthFirst = true;
  }
  if (dayFirst && monthFirst) return 'conflicting';
  if (dayFirst) return 'day-first';
  if (monthFirst) return 'month-first';
  return slashes ? 'ambiguous' : undefined;
}

/** The offset of `timeZone` from UTC at the instant `epochMs`, in ms (Intl names it; no library needed). */
function offsetMs(timeZone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `timeZone` (in a DST gap, the instant one offset later, as Temporal does). */
function wallClockToUtc(timeZone: string, wall: number): number {
  const first = wall - offsetMs(timeZone, wall);
  const second = wall - offsetMs(timeZone, first);
  return second;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whether `name` is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return name.length > 0 && name.length <= 64;
  } catch {
    return false;
  }
}

/**
 * A local date or date-time cell in ISO 8601: `YYYY-MM-DD` for a date, an instant with `Z` for a time in the given
 * zone, or a local ISO time without a zone (the rules then ask for one). Cells in no local form come back as they
 * are, and so do impossible dates (the rules refuse them with their own message).
 */
export function localToIso(cell: string, order: DateOrder | undefined, timeZone: string | undefined): string {
  const local = splitLocal(cell);
  if (!local) return cell;
  const slash = local.separator === '/';
  if (slash && order === undefined) return cell;
  const dayFirst = !slash || order === 'day-first';
  const day = dayFirst ? local.first : local.second;
  const month = dayFirst ? local.second : local.first;
  const date = `${pad(local.year, 4)}-${pad(month)}-${pad(day)}`;
  if (!local.time) return date;
  const { hour, minute, second } = local.time;
  const wall = `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  const wallMs = Date.UTC(local.year, month - 1, day, hour, minute, second);
  if (timeZone === undefined || Number.isNaN(wallMs) || hour > 23 || minute > 59 || second > 59) return wall;
  const check = new Date(wallMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return wall; // 31.02: the rules refuse it
  return new Date(wallClockToUtc(timeZone, wallMs)).toISOString();
}
