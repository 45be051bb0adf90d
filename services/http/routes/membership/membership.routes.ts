// Membership: an account holder applies or resigns; stewards keep the register and admit, refuse or exclude.
import { z } from 'zod';
import { membershipRulesOf } from '../../../../policies/assembly/bylaws.js';
import type { Assembly } from '../../../assembly/index.js';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount } from '../auth/account.presenter.js';
import { accountSchema } from '../auth/auth.schema.js';
import { presentRegisterEntry } from './membership.presenter.js';
import {
  admitBody,
  memberIdParams,
  reasonBody,
  registerEntrySchema,
  membershipRulesResponse,
  registerQuery,
  resignationBody,
} from './membership.schema.js';

/** Adds the membership routes; the rules (share capital, identity methods, notice) are the bylaws in force. */
export function membershipRoutes(api: ApiRouter, members: Members, assembly: Assembly, now: () => Date): void {
  const rulesNow = async (at: Date) => membershipRulesOf((await assembly.bylawsInForce(at)).bylaws);
  api
    .route(
      {
        method: 'get',
        path: '/api/membership/rules',
        summary: 'The membership rules in force: share capital, identity checks, resignation notice',
        tag: 'membership',
        access: 'public',
        success: { status: 200, schema: membershipRulesResponse, description: 'The membership rules' },
      },
      async () => {
        const rules = await rulesNow(now());
        return {
          shareCapital: { ...rules.shareCapital },
          admittedBy: rules.admittedBy,
          identityMethods: [...rules.identityMethods],
          resignationNoticeDays: rules.resignationNoticeDays,
        };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/me/membership/application',
        summary: 'Apply for membership of the cooperative (account holders); a steward decides',
        tag: 'membership',
        access: ['member'],
        success: { status: 201, schema: accountSchema, description: 'Your account, with the application' },
        errors: { 409: 'already_applied, already_admitted, membership_ended' },
      },
      async ({ actor }) => presentAccount(await members.applyForMembership(actor!.userId, now()), now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/membership/resignation',
        summary: "Resign from the cooperative; voting rights end after the bylaws' notice",
        tag: 'membership',
        access: ['member'],
        body: resignationBody,
        success: { status: 200, schema: accountSchema, description: 'Your account, with the end of membership' },
        errors: { 409: 'not_a_member, membership_ending' },
      },
      async ({ actor }) => {
        const at = now();
        return presentAccount(await members.resign(actor!.userId, await rulesNow(at), at), at);
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/steward/members',
        summary: 'The register of members (default: applicants awaiting admission, with possible duplicates)',
        tag: 'steward',
        access: ['steward'],
        query: registerQuery,
        success: { status: 200, schema: z.object({ members: z.array(registerEntrySchema) }), description: 'Register' },
      },
      async ({ query }) => {
        const at = now();
        return { members: (await members.memberRegister(query.status)).map((e) => presentRegisterEntry(e, at)) };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/members/:id/admit',
        summary: "Admit an applicant after the bylaws' checks (identity method, share capital subscribed)",
        tag: 'steward',
        access: ['steward'],
        stepUp: true,
        params: memberIdParams,
        body: admitBody,
        success: { status: 200, schema: accountSchema, description: 'The new member' },
        errors: {
          400: 'identity_method_unknown, share_capital_mismatch',
          404: 'not_found',
          409: 'already_admitted, not_an_applicant, not_an_account_holder, application_decided',
        },
      },
      async ({ params, body, actor }) => {
        const at = now();
        return presentAccount(await members.admit(params.id, body, await rulesNow(at), actor!.userId, at), at);
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/members/:id/refuse',
        summary: 'Refuse an application, with a reason the applicant reads',
        tag: 'steward',
        access: ['steward'],
        stepUp: true,
        params: memberIdParams,
        body: reasonBody,
        success: { status: 200, schema: accountSchema, description: 'The refused applicant' },
        errors: { 404: 'not_found', 409: 'already_admitted, not_an_applicant, not_an_account_holder' },
      },
      async ({ params, body, actor }) =>
        presentAccount(await members.refuseApplication(params.id, body.reason, actor!.userId, now()), now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/members/:id/exclude',
        summary: 'Exclude a member (a decision with a reason); voting rights end at once',
        tag: 'steward',
        access: ['steward'],
        params: memberIdParams,
        body: reasonBody,
        success: { status: 200, schema: accountSchema, description: 'The excluded member' },
        errors: { 404: 'not_found', 409: 'not_a_member, membership_ending, not_an_account_holder' },
      },
      async ({ params, body, actor }) =>
        presentAccount(await members.exclude(params.id, body.reason, actor!.userId, now()), now()),
    );
}
