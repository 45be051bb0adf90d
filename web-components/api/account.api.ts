// The signed-in person's own account.
import { requestJson } from './session.js';
import type { Account } from './types.js';

/** GET /api/me */
export function fetchMe(): Promise<Account> {
  return requestJson<Account>('GET', '/api/me');
}

/** DELETE /api/me: erases the account and all its data (the password is asked again). */
export function eraseAccount(password: string): Promise<void> {
  return requestJson<void>('DELETE', '/api/me', { password });
}
