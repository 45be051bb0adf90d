// Research over HTTP: access requests, the steward's proposal from a request, impact previews, approved policies,
// queries and pseudonymised exports. A query is decided, debited and audited before it is answered, an export
// decided and audited (services/research/).
import { z } from 'zod';
import type { Research } from '../../../research/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentProposal } from '../proposals/proposals.presenter.js';
import {
  presentExport,
  presentImpact,
  presentInclusion,
  presentListedRequest,
  presentPolicy,
  presentQueryAnswer,
  presentRequest,
  queryAnswerSchema,
} from './research.presenter.js';
import {
  exportQuery,
  idParams,
  impactSchema,
  inclusionSchema,
  policiesQuery,
  policyParams,
  queryBody,
  requestBody,
  requestSchema,
} from './research.schema.js';

const refusals = {
  400: 'invalid_request, invalid_epsilon, validation_failed',
  403: 'researcher_not_verified, not_grantee, policy_revoked, policy_expired, policy_not_active, level_not_allowed, category_not_allowed, statistic_not_allowed, group_by_not_allowed, period_outside_policy',
  409: 'budget_exhausted',
  429: 'rate_limited',
  503: 'audit_unavailable',
};

/** Adds the /api/research routes, GET /api/policies, GET /api/proposals/:id/impact and …/my-inclusion. */
export function researchRoutes(api: ApiRouter, research: Research, now: () => Date): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/research/requests',
        summary: 'File an access request (verified researchers); it must make a valid policy under the bylaws',
        tag: 'research',
        access: ['researcher'],
        body: requestBody,
        bodyLimitBytes: 32 * 1024,
        success: { status: 201, schema: requestSchema, description: 'The filed request' },
        errors: { 400: 'invalid_request', 403: 'researcher_not_verified, organisation_not_non_profit' },
      },
      async ({ actor, body }) => presentRequest(await research.fileRequest(actor!, body, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/research/requests',
        summary: 'Access requests: your own (researchers) or all (stewards), newest first, with their proposal status',
        tag: 'research',
        access: ['researcher', 'steward'],
        success: { status: 200, schema: z.object({ requests: z.array(requestSchema) }), description: 'Requests' },
      },
      async ({ actor }) => ({ requests: (await research.listRequests(actor!, now())).map(presentListedRequest) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/research/requests/:id',
        summary: 'One access request (another researcher’s is 404)',
        tag: 'research',
        access: ['researcher', 'steward'],
        params: idParams,
        success: { status: 200, schema: requestSchema, description: 'The request' },
        errors: { 404: 'not_found (also for another researcher’s request)' },
      },
      async ({ actor, params }) => presentRequest(await research.getRequest(actor!, params.id)),
    )
    .route(
      {
        method: 'post',
        path: '/api/research/requests/:id/proposal',
        summary: 'Turn a request into an access-policy proposal draft (once), with its impact preview',
        tag: 'research',
        access: ['steward'],
        params: idParams,
        success: {
          status: 201,
          schema: z.object({ proposal: z.record(z.string(), z.unknown()), impact: impactSchema }),
          description: 'The draft and its impact preview',
        },
        errors: { 404: 'not_found', 409: 'request_already_proposed' },
      },
      async ({ actor, params }) => {
        const { proposal, impact } = await research.proposeRequest(params.id, actor!.userId, now());
        return { proposal: presentProposal(proposal), impact: presentImpact(impact) };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id/impact',
        summary:
          'Impact preview of an access-policy proposal: members covered per category as coarse bands, snapshot once',
        tag: 'assembly',
        access: ['member', 'steward'],
        params: idParams,
        success: { status: 200, schema: impactSchema, description: 'The impact preview' },
        errors: {
          400: 'not_an_access_policy, validation_failed',
          403: 'role_not_allowed (researchers)',
          404: 'not_found (also a draft, for non-stewards)',
        },
      },
      async ({ actor, params }) =>
        presentImpact(
          await research.proposalImpact(params.id, actor!.role === 'steward' ? 'steward' : 'member', now()),
        ),
    )
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id/my-inclusion',
        summary:
          'What an access-policy proposal would mean for your own data, by your consent in force: per category, included or why not',
        tag: 'assembly',
        access: ['member'],
        params: idParams,
        success: { status: 200, schema: inclusionSchema, description: 'Your inclusion, category by category' },
        errors: {
          400: 'not_an_access_policy, validation_failed',
          403: 'role_not_allowed (stewards and researchers: it is about your own consent)',
          404: 'not_found (also a draft)',
        },
      },
      async ({ actor, params }) => presentInclusion(await research.proposalInclusion(actor!.userId, params.id, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/policies',
        summary: 'Policies approved by the assembly (default: active ones), with their remaining budget',
        tag: 'research',
        access: 'authenticated',
        query: policiesQuery,
        success: {
          status: 200,
          schema: z.object({ policies: z.array(z.record(z.string(), z.unknown())) }),
          description: 'Policies',
        },
      },
      async ({ query }) => {
        const policies = await research.listPolicies(now(), query.status);
        return {
          policies: await Promise.all(
            policies.map(async (p) => presentPolicy(p, await research.remainingMicro(p.policy))),
          ),
        };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/research/queries',
        summary:
          'Run an aggregate query {policyId, category, statistic, groupBy?, from?, to?, epsilon?} under an active policy',
        tag: 'research',
        access: ['researcher'],
        body: queryBody,
        invalidBody: {
          code: 'invalid_request',
          message: 'The query is not valid; nothing was released.',
          before: (details, actor) => research.refuseInvalid(actor!, [...details], now()),
        },
        bodyLimitBytes: 4096,
        success: {
          status: 200,
          schema: queryAnswerSchema,
          description: 'Noisy cells, each released only when its noisy member count reaches τ',
        },
        errors: refusals,
      },
      async ({ actor, body }) => presentQueryAnswer(await research.query(actor!, body, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/research/queries',
        summary: 'Your answered queries and exports, newest first (see /api/policies for the budget left)',
        tag: 'research',
        access: ['researcher'],
        success: {
          status: 200,
          schema: z.object({ queries: z.array(z.record(z.string(), z.unknown())) }),
          description: 'Your query history',
        },
      },
      async ({ actor }) => ({ queries: await research.queryHistory(actor!.userId) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/research/policies/:id/export',
        summary: 'Pseudonymised records of one category (only if the policy allows record-level access)',
        tag: 'research',
        access: ['researcher'],
        stepUp: true,
        params: policyParams,
        query: exportQuery,
        success: { status: 200, schema: z.record(z.string(), z.unknown()), description: 'Pseudonymised records' },
        errors: refusals,
      },
      async ({ actor, params, query }) => presentExport(await research.exportRecords(actor!, params.id, query, now())),
    );
}
