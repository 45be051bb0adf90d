import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../../services/fhir/domain/search-cursor.js';

const mac = (text: string) => createHmac('sha256', 'test key').update(text).digest('hex');

describe('search cursor', () => {
  it('round-trips an offset for the same member and search', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        (offset) => decodeCursor(mac, 'm', 'code=1', encodeCursor(mac, 'm', 'code=1', offset)) === offset,
      ),
    );
  });

  it('refuses a token for another member, another search, or with any character changed', () => {
    const token = encodeCursor(mac, 'm', 'code=1', 50);
    expect(decodeCursor(mac, 'n', 'code=1', token)).toBeUndefined();
    expect(decodeCursor(mac, 'm', 'code=2', token)).toBeUndefined();
    for (let i = 0; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(decodeCursor(mac, 'm', 'code=1', changed)).toBeUndefined();
    }
    expect(decodeCursor(mac, 'm', 'code=1', `${token}.x`)).toBeUndefined();
    expect(decodeCursor(mac, 'm', 'code=1', '')).toBeUndefined();
  });
});
