// Proxies over HTTP: a member names or revokes a proxy for one proposal; the proxy votes for them.
import type { Assembly, MandateView } from '../../../assembly/index.js';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { ballotBody, proposalIdParams } from './proposals.schema.js';
import { mandateSchema, nameProxyBody, proxyReceiptSchema } from './proxies.schema.js';

const presentMandate = (view: MandateView) => ({
  proposalId: view.proposalId,
  asPrincipal: view.asPrincipal && { ...view.asPrincipal, namedAt: view.asPrincipal.namedAt.toISOString() },
  asProxy: view.asProxy && { ...view.asProxy, namedAt: view.asProxy.namedAt.toISOString() },
});

const votingErrors = { 403: 'not_a_member, joined_too_late, suspended, left', 404: 'not_found', 409: 'voting_closed' };

/** Adds the proxy routes. */
export function proxyRoutes(
  api: ApiRouter,
  assembly: Assembly,
  members: Pick<Members, 'findIdByEmail'>,
  now: () => Date,
): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id/proxy',
        summary: 'Your proxy mandates on this proposal: the proxy you named, or the member you represent',
        tag: 'assembly',
        access: ['member'],
        params: proposalIdParams,
        success: { status: 200, schema: mandateSchema, description: 'Your mandates' },
        errors: { 404: 'not_found (also a proposal never opened)' },
      },
      async ({ params, actor }) => presentMandate(await assembly.mandates(params.id, actor!.userId)),
    )
    .route(
      {
        method: 'put',
        path: '/api/proposals/:id/proxy',
        summary: 'Name another member as your proxy for this open proposal (Art. 886 CO)',
        tag: 'assembly',
        access: ['member'],
        params: proposalIdParams,
        body: nameProxyBody,
        success: { status: 200, schema: mandateSchema, description: 'Your mandate' },
        errors: {
          ...votingErrors,
          400: 'proxy_is_self',
          409: 'voting_closed, proxies_not_allowed, proxy_not_eligible, already_voted, proxy_already_named, proxy_chain, proxy_already_representing',
        },
      },
      async ({ params, body, actor }) => {
        const proxyId = await members.findIdByEmail(body.proxyEmail);
        return presentMandate(await assembly.nameProxy(params.id, actor!.userId, proxyId, now()));
      },
    )
    .route(
      {
        method: 'delete',
        path: '/api/proposals/:id/proxy',
        summary: 'Revoke your proxy until the vote closes; a ballot they cast for you is voided',
        tag: 'assembly',
        access: ['member'],
        params: proposalIdParams,
        success: { status: 200, schema: mandateSchema, description: 'Your mandates after revocation' },
        errors: { 404: 'not_found', 409: 'voting_closed, no_proxy_named' },
      },
      async ({ params, actor }) => presentMandate(await assembly.revokeProxy(params.id, actor!.userId, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/proxy-ballots',
        summary: 'As proxy, cast or change the ballot of the member you represent; their own ballot supersedes it',
        tag: 'assembly',
        access: ['member'],
        params: proposalIdParams,
        body: ballotBody,
        success: { status: 200, schema: proxyReceiptSchema, description: 'The receipt' },
        errors: {
          ...votingErrors,
          403: 'ballot_secret_invalid, not_a_member, joined_too_late, suspended, left',
          409: 'voting_closed, not_a_proxy, principal_voted, principal_not_eligible',
        },
      },
      async ({ params, body, actor }) => {
        const { proposalId, receipt, choice, changed } = await assembly.castProxyBallot(
          params.id,
          actor!.userId,
          body.choice,
          body.secret,
          now(),
        );
        return { proposalId, receipt, choice, changed };
      },
    );
}
