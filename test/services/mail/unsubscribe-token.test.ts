import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readUnsubscribeToken, unsubscribeToken } from '../../../services/mail/domain/unsubscribe-token.js';

const key = randomBytes(32);

describe('unsubscribe token', () => {
  it('names the account and kind it was made for', () => {
    expect(readUnsubscribeToken(key, unsubscribeToken(key, 'user-1', 'vote-opened'))).toEqual({
      userId: 'user-1',
      kind: 'vote-opened',
    });
  });

  it.each([
    ['another key', () => unsubscribeToken(randomBytes(32), 'user-1', 'vote-opened')],
    [
      'a swapped payload',
      () =>
        `${Buffer.from('user-2.vote-opened').toString('base64url')}.${unsubscribeToken(key, 'user-1', 'vote-opened').split('.')[1]}`,
    ],
    ['no signature', () => unsubscribeToken(key, 'user-1', 'vote-opened').split('.')[0]!],
    ['extra parts', () => `${unsubscribeToken(key, 'user-1', 'vote-opened')}.x`],
    ['garbage', () => '....'],
  ])('refuses %s', (_, token) => {
    expect(readUnsubscribeToken(key, token())).toBeNull();
  });
});
