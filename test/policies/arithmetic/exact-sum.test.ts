import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExact, exactSum, mergeExact, roundedSum, type Partials } from '../../../policies/arithmetic/exact-sum.js';

// A finite double as an exact integer multiple of 2^-1074 (every finite double is one).
function scaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = BigInt(Math.max(exponent, 1) - 1);
  const value = mantissa << shift;
  return negative ? -value : value;
}

function nextAfter(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  let bits = view.getBigInt64(0);
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  bits += x > 0 === up ? 1n : -1n;
  view.setBigInt64(0, bits);
  return view.getFloat64(0);
}

const abs = (v: bigint) => (v < 0n ? -v : v);
const values = fc.array(
  fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: 0, max: 300 }).map((n) => n / 10),
    fc.constantFrom(0.1, 0.2, 0.3, 1e-10, 1e15, -1e15, 72.4, 120.35),
  ),
  { maxLength: 60 },
);

describe('exactSum', () => {
  it('is the double nearest to the exact total (≥ 1000 cases)', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const exact = xs.reduce((sum, x) => sum + scaled(x), 0n);
        const result = exactSum(xs);
        const error = abs(exact - scaled(result));
        expect(error <= abs(exact - scaled(nextAfter(result, true)))).toBe(true);
        expect(error <= abs(exact - scaled(nextAfter(result, false)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same bits in any order and any grouping (≥ 1000 cases)', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 60 }), (xs, cut) => {
        const reversed = exactSum([...xs].reverse());
        const left: Partials = [];
        const right: Partials = [];
        xs.forEach((x, i) => addExact(i < cut ? left : right, x));
        mergeExact(right, left);
        expect(Object.is(reversed, exactSum(xs))).toBe(true);
        expect(Object.is(roundedSum(right), exactSum(xs))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('is exact where plain addition is not', () => {
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([])).toBe(0);
  });

  it('rounds a halfway total to even, looking past the first two partials', () => {
    // 1 + 2^-53 is halfway between 1 and its successor; the tiny third term decides the rounding.
    expect(exactSum([1, 2 ** -53, 2 ** -80])).toBe(1 + 2 ** -52);
    expect(exactSum([1, 2 ** -53])).toBe(1);
    expect(exactSum([1, 2 ** -53, -(2 ** -80)])).toBe(1);
  });
});
