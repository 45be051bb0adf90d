// Bearer-token authentication: a valid signature is not enough, the session and account must still be live.
import type { Context } from 'koa';
import type { Actor, TokenService } from '../../auth/index.js';
import type { Members } from '../../members/index.js';
import { NotAuthenticated } from '../../errors.js';

export interface Authenticator {
  tokens: TokenService;
  members: Pick<Members, 'resolveActor'>;
  now: () => Date;
}

/** Returns the caller of this request or throws 401; the reason is never more specific than "not valid". */
export async function authenticate(ctx: Context, auth: Authenticator): Promise<Actor> {
  const header = ctx.get('authorization');
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are the same scheme as `Bearer`.
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
  if (!match) throw new NotAuthenticated();
  const now = auth.now();
  const claims = await auth.tokens.verifyAccessToken(match[1]!, now);
  if (!claims) throw new NotAuthenticated('invalid_token', 'The access token is not valid.');
  const actor = await auth.members.resolveActor(claims, now);
  if (!actor) throw new NotAuthenticated('invalid_token', 'The access token is not valid.');
  ctx.state.actor = actor;
  return actor;
}
