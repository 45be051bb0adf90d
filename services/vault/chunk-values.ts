// The research hot path: the values of one sealed chunk inside a period, without building observation objects.
//
// A chunk's plaintext is compact JSON `[[effectiveAtMs, value, sourceIndex, note?], …]` (chunk-codec.ts).
// Aggregates need only the time and the value, so this reads them straight from the decrypted bytes; rows with
// components (blood pressure) or anything unexpected fall back to JSON.parse of the whole chunk.
import { open } from '../crypto/aead.js';
import { chunkBinding, type ChunkMeta } from './chunk-codec.js';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

/** Decrypts a chunk and appends to `out` the values (or one component's values) with time in [fromMs, toMs). */
export function chunkValues(
  key: Buffer,
  meta: ChunkMeta,
  sealed: Buffer,
  fromMs: number,
  toMs: number,
  component: string | undefined,
  out: number[],
): void {
  const plain = open(key, sealed, chunkBinding(meta));
  // A chunk whose whole month lies in the period needs no time of any row: the scanner then skips them.
  const monthStart = Date.parse(`${meta.month}-01T00:00:00.000Z`);
  const next = new Date(monthStart);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const inside = fromMs <= monthStart && next.getTime() <= toMs;
  if (component !== undefined || !scanRows(plain, inside ? -Infinity : fromMs, inside ? Infinity : toMs, inside, out)) {
    parseRows(plain, fromMs, toMs, component, out);
  }
}

type Row = [number, number | Record<string, number>, number, string?];

function parseRows(plain: Buffer, fromMs: number, toMs: number, component: string | undefined, out: number[]): void {
  for (const [at, measured] of JSON.parse(plain.toString('utf8')) as Row[]) {
    if (at < fromMs || at >= toMs) continue;
    const value = typeof measured === 'number' ? (component === undefined ? measured : undefined) : undefined;
    const part = typeof measured === 'object' && component !== undefined ? measured[component] : undefined;
    const chosen = value ?? part;
    if (typeof chosen === 'number' && Number.isFinite(chosen)) out.push(chosen);
  }
}

// Reads rows of plain numbers; returns false (having added nothing) at the first thing it does not expect.
function scanRows(plain: Buffer, fromMs: number, toMs: number, skipTimes: boolean, out: number[]): boolean {
  const start = out.length;
  const fail = () => {
    out.length = start;
    return false;
  };
  const n = plain.length;
  if (n < 2 || plain[0] !== OPEN_BRACKET) return fail();
  let i = 1;
  if (plain[i] === CLOSE_BRACKET) return true;
  for (;;) {
    if (plain[i] !== OPEN_BRACKET) return fail();
    i++;
    let at = 0;
    // Times of 2001–2286 are 13 digits: when they are not needed, step over them.
    if (skipTimes && plain[i + 13] === COMMA && plain[i]! >= 0x31 && plain[i]! <= 0x39) {
      i += 13;
    } else {
      at = readNumber(plain, i);
      if (Number.isNaN(at)) return fail();
      i = numberEnd;
    }
    if (plain[i] !== COMMA) return fail();
    i++;
    const value = readNumber(plain, i);
    if (Number.isNaN(value)) return fail();
    i = numberEnd;
    // The rest of the row: source index and an optional note (a JSON string), then `]`.
    while (i < n && plain[i] !== CLOSE_BRACKET) {
      if (plain[i] === QUOTE) {
        i++;
        while (i < n && plain[i] !== QUOTE) i += plain[i] === BACKSLASH ? 2 : 1;
      }
      i++;
    }
    if (i >= n) return fail();
    i++;
    if (at >= fromMs && at < toMs) out.push(value);
    if (plain[i] === COMMA) {
      i++;
      continue;
    }
    return plain[i] === CLOSE_BRACKET && i === n - 1 ? true : fail();
  }
}

// Where the last number read by readNumber ended (module state: no object per number on the hot path).
let numberEnd = 0;

// A JSON number at `i` (NaN if there is none): integers digit by digit, anything else through Number().
function readNumber(plain: Buffer, i: number): number {
  const begin = i;
  let negative = false;
  if (plain[i] === MINUS) {
    negative = true;
    i++;
  }
  let value = 0;
  let digits = 0;
  for (; i < plain.length; i++) {
    const c = plain[i]! - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    digits++;
  }
  if (digits === 0) return NaN;
  const next = plain[i];
  if (next === 0x2e || next === 0x65 || next === 0x45) {
    let end = i;
    while (end < plain.length && plain[end] !== COMMA && plain[end] !== CLOSE_BRACKET) end++;
    const parsed = Number(plain.toString('latin1', begin, end));
    numberEnd = end;
    return Number.isFinite(parsed) ? parsed : NaN;
  }
  numberEnd = i;
  return negative ? -value : value;
}
