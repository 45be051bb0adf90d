// Appointing a steward: an operator's act (the CLI), never possible over HTTP.
import type { Account, RegistrationInput } from './members.model.js';
import { createAccount, type AccountCreation } from './registration.js';

/** Creates the first (or another) steward account. */
export async function appointSteward(
  deps: AccountCreation,
  input: Omit<RegistrationInput, 'role'>,
  now: Date,
): Promise<Account> {
  return createAccount(deps, { ...input, role: 'steward' }, now);
}
