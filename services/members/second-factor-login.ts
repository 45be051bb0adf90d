// The second step of a log-in with a second factor: the challenge from the password step and a code (or a recovery
// code). A wrong code uses up the challenge and counts as a failed attempt in the throttle, so guessing codes costs
// a password check each time and slows down like password guessing.
import { NotAuthenticated } from '../errors.js';
import { consumeAccountTokenWithData, type AccountTokenStores } from './account-tokens.js';
import { openSession, type LogInDeps } from './log-in.js';
import type { Attempt } from './login-throttle.js';
import type { TokenPair } from './members.model.js';
import { checkSecondFactor, type SecondFactorDeps, type SecondFactorProof } from './second-factor.js';

const refused = () => new NotAuthenticated('invalid_second_factor', 'The code is wrong or the sign-in expired.');

/** Completes a log-in: a valid, unused challenge and a right second factor open the session. */
export async function completeSecondFactorLogin(
  deps: LogInDeps & SecondFactorDeps & { accountTokens: AccountTokenStores },
  challenge: string,
  proof: SecondFactorProof,
  now: Date,
): Promise<TokenPair> {
  let consumed: { userId: string; data: Record<string, unknown> };
  try {
    consumed = await consumeAccountTokenWithData(deps.accountTokens, 'login-challenge', challenge, now);
  } catch {
    throw refused();
  }
  const attempt = consumed.data.attempt as Attempt;
  const user = await deps.users.findById(consumed.userId).lean();
  if (!user || user.status !== 'active') throw refused();
  if (!(await checkSecondFactor(deps, user, proof, now, challenge))) {
    await deps.throttle.recordFailure(attempt, now);
    await deps.audit?.append('login.failed', user._id, { step: 'second_factor' }, now);
    throw refused();
  }
  await deps.throttle.recordSuccess(attempt, now);
  return openSession(deps, user, now, { secondFactor: true });
}
