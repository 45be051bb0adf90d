import { describe, expect, it } from 'vitest';
import { base32Encode, hotp, matchTotp, otpauthUri, totp } from '../../../services/members/domain/totp.js';

// RFC 6238 Appendix B, SHA-1, 8 digits; RFC 4226 Appendix D, 6 digits.
const rfcSecret = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('gives the RFC test vector at T = %i s', (seconds, code) => {
    expect(totp(rfcSecret, new Date(seconds * 1000), 8)).toBe(code);
  });

  it.each([
    [0, '755224'],
    [1, '287082'],
    [5, '254676'],
    [9, '520489'],
  ])('gives the RFC 4226 HOTP vector for counter %i', (counter, code) => {
    expect(hotp(rfcSecret, counter)).toBe(code);
  });

  it('accepts the codes of one step before and after, and no other', () => {
    const at = new Date(1_700_000_000_000);
    const step = Math.floor(at.getTime() / 30_000);
    for (const offset of [-1, 0, 1])
      expect(matchTotp(rfcSecret, hotp(rfcSecret, step + offset), at)).toBe(step + offset);
    for (const offset of [-2, 2]) expect(matchTotp(rfcSecret, hotp(rfcSecret, step + offset), at)).toBeNull();
  });

  it.each(['', '12345', '1234567', 'abcdef', '12 345'])('refuses the malformed code "%s"', (code) => {
    expect(matchTotp(rfcSecret, code, new Date())).toBeNull();
  });

  it('encodes the secret in base32 for the otpauth URI', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(otpauthUri(rfcSecret, 'ada@example.org', 'Datacoop')).toBe(
      'otpauth://totp/Datacoop%3Aada%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Datacoop&algorithm=SHA1&digits=6&period=30',
    );
  });
});
