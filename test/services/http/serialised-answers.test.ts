// The series' JSON encoded once per remembered answer: the same bytes for the same answer and tag, fresh bytes for
// another tag, and the encoding of the answer's current content.
import { describe, expect, it } from 'vitest';
import { serialisedOnce } from '../../../services/http/serialised-answers.js';

describe('serialisedOnce', () => {
  it('encodes an answer once per tag and as JSON of what wrap makes of it', () => {
    const points = Object.freeze([{ start: '2026-01-01T00:00:00.000Z', count: 1 }]);
    let wraps = 0;
    const wrap = (p: typeof points) => {
      wraps += 1;
      return { unit: '/min', points: p };
    };
    const first = serialisedOnce(points, '"a"', wrap);
    expect(JSON.parse(first.toString('utf8'))).toEqual({ unit: '/min', points });
    expect(serialisedOnce(points, '"a"', wrap)).toBe(first);
    expect(wraps).toBe(1);
    const other = serialisedOnce(points, '"b"', () => ({ unit: 'kg', points }));
    expect(JSON.parse(other.toString('utf8')).unit).toBe('kg');
    expect(serialisedOnce([], '"a"', wrap)).not.toBe(first);
  });
});
