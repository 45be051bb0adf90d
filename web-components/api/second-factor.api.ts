// Enrolling an authenticator app as the account's second factor (passkeys: the API exists, the page is to come).
import { requestJson } from './session.js';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

/** POST /api/me/second-factor/totp: a new secret, shown once. */
export function beginTotpEnrolment(): Promise<TotpEnrolment> {
  return requestJson<TotpEnrolment>('POST', '/api/me/second-factor/totp');
}

/** POST /api/me/second-factor/totp/confirm: the first code; answers the ten recovery codes (shown once). */
export async function confirmTotpEnrolment(code: string): Promise<string[]> {
  return (await requestJson<{ recoveryCodes: string[] }>('POST', '/api/me/second-factor/totp/confirm', { code }))
    .recoveryCodes;
}
