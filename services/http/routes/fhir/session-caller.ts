// The FHIR caller behind a member's own session token: every scope, no app. Researchers and stewards have no vault:
// their valid sessions are refused (403), not passed on to another resolver.
import type { Context } from 'koa';
import { ALL_FHIR_SCOPES, type FhirCallerResolver } from '../../../fhir/index.js';
import { Forbidden } from '../../../errors.js';
import type { Authenticator } from '../../middleware/authenticate.js';

/** Resolves a session access token (as the rest of the API does); another kind of token is left to other resolvers. */
export function sessionCallerResolver(auth: Authenticator): FhirCallerResolver {
  return async (ctx: Context) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(ctx.get('authorization'));
    if (!match) return undefined;
    const now = auth.now();
    const claims = await auth.tokens.verifyAccessToken(match[1]!, now);
    if (!claims) return undefined;
    const actor = await auth.members.resolveActor(claims, now);
    if (!actor) return undefined;
    if (actor.role !== 'member') throw new Forbidden('role_not_allowed', 'Only members have a vault to read here.');
    return { memberId: actor.userId, scopes: ALL_FHIR_SCOPES };
  };
}
