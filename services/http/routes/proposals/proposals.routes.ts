// The general assembly over HTTP: proposals, ballots, results, bylaws, pending votes and reminders.
import type { Assembly, ProposalView, Viewer } from '../../../assembly/index.js';
import { NotFound } from '../../../errors.js';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import {
  granteeOf,
  presentBallotReceipt,
  presentBylaws,
  presentPendingVotes,
  presentProposal,
  presentReminders,
  presentRequester,
  presentResults,
} from './proposals.presenter.js';
import {
  ballotBody,
  ballotReceiptSchema,
  bylawsSchema,
  createProposalBody,
  editProposalBody,
  extendProposalBody,
  listProposalsQuery,
  openProposalBody,
  pendingVotesSchema,
  proposalIdParams,
  proposalListSchema,
  proposalSchema,
  remindersSchema,
  resultsSchema,
} from './proposals.schema.js';

const lifecycleErrors = { 404: 'not_found', 409: 'proposal_not_draft, target_under_vote' };

/** Adds the assembly's routes. */
export function proposalRoutes(
  api: ApiRouter,
  assembly: Assembly,
  members: Pick<Members, 'getAccount'>,
  now: () => Date,
): void {
  // An erased (deleted) or unknown grantee reads as nobody (null), as an erased author does in the discussion.
  const requesterOf = async (view: ProposalView) => {
    const grantee = granteeOf(view);
    if (grantee === undefined) return undefined;
    const account = await members.getAccount(grantee).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error; // a database failure is no "nobody asks"
    });
    return presentRequester(account);
  };
  api
    .route(
      {
        method: 'get',
        path: '/api/proposals',
        summary: 'Proposals by status, newest first (drafts: stewards only)',
        tag: 'assembly',
        access: 'authenticated',
        query: listProposalsQuery,
        success: { status: 200, schema: proposalListSchema, description: 'Proposals' },
      },
      async ({ query, actor }) => ({
        proposals: (await assembly.list(query.status, now(), actor!.role as Viewer)).map((view) =>
          presentProposal(view),
        ),
      }),
    )
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id',
        summary: 'One proposal: content (frozen once open), status, deadline, electorate and turnout',
        tag: 'assembly',
        access: 'authenticated',
        params: proposalIdParams,
        success: { status: 200, schema: proposalSchema, description: 'The proposal' },
        errors: { 404: 'not_found' },
      },
      async ({ params, actor }) => {
        const view = await assembly.get(params.id, now(), actor!.role as Viewer);
        return presentProposal(view, await requesterOf(view));
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals',
        summary: 'Draft a proposal: access-policy, revoke-policy or amend-bylaws',
        tag: 'assembly',
        access: ['steward'],
        body: createProposalBody,
        success: { status: 201, schema: proposalSchema, description: 'The draft' },
      },
      async ({ body, actor }) => presentProposal(await assembly.createDraft(body, actor!.userId, now())),
    )
    .route(
      {
        method: 'patch',
        path: '/api/proposals/:id',
        summary: 'Edit a draft (refused once opened or withdrawn)',
        tag: 'assembly',
        access: ['steward'],
        params: proposalIdParams,
        body: editProposalBody,
        success: { status: 200, schema: proposalSchema, description: 'The edited draft' },
        errors: { 404: 'not_found', 409: 'proposal_not_draft' },
      },
      async ({ params, body }) => presentProposal(await assembly.editDraft(params.id, body, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/open',
        summary: 'Open the vote now until closesAt; freezes content and rules and fixes the electorate',
        tag: 'assembly',
        access: ['steward'],
        params: proposalIdParams,
        body: openProposalBody,
        success: { status: 200, schema: proposalSchema, description: 'The open proposal' },
        errors: {
          ...lifecycleErrors,
          400: 'window_too_short, window_too_long, validation_failed',
          409: 'proposal_not_draft, target_under_vote, discussion_required, discussion_period_not_over',
        },
      },
      async ({ params, body, actor }) =>
        presentProposal(await assembly.open(params.id, body.closesAt, actor!.userId, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/announce',
        summary: 'Announce a draft for discussion before its vote: members see it and its thread opens',
        tag: 'assembly',
        access: ['steward'],
        params: proposalIdParams,
        success: { status: 200, schema: proposalSchema, description: 'The announced proposal' },
        errors: { 404: 'not_found', 409: 'proposal_not_draft, already_announced' },
      },
      async ({ params, actor }) => presentProposal(await assembly.announce(params.id, actor!.userId, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/extend',
        summary: 'Move the deadline of an open vote later, within the maximum window; never earlier',
        tag: 'assembly',
        access: ['steward'],
        params: proposalIdParams,
        body: extendProposalBody,
        success: { status: 200, schema: proposalSchema, description: 'The proposal with its new deadline' },
        errors: { 400: 'deadline_not_later, window_too_long', 404: 'not_found', 409: 'proposal_not_open' },
      },
      async ({ params, body }) => presentProposal(await assembly.extend(params.id, body.closesAt, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/withdraw',
        summary: 'Withdraw a draft (an open vote can only be ended by the assembly)',
        tag: 'assembly',
        access: ['steward'],
        params: proposalIdParams,
        success: { status: 200, schema: proposalSchema, description: 'The withdrawn proposal' },
        errors: { 404: 'not_found', 409: 'proposal_not_draft' },
      },
      async ({ params, actor }) => presentProposal(await assembly.withdraw(params.id, actor!.userId, now())),
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/ballots',
        summary: 'Cast or change your ballot (members of the electorate, while open); returns your receipt',
        tag: 'assembly',
        access: ['member'],
        params: proposalIdParams,
        body: ballotBody,
        success: { status: 200, schema: ballotReceiptSchema, description: 'Your receipt' },
        errors: {
          403: 'ballot_secret_invalid, joined_too_late, suspended, left, not_a_member',
          404: 'not_found (also a draft or withdrawn proposal: only stewards see those)',
          409: 'voting_closed',
        },
      },
      async ({ params, body, actor }) =>
        presentBallotReceipt(
          await assembly.castBallot(
            params.id,
            { userId: actor!.userId, membership: actor!.membership },
            body.choice,
            body.secret,
            now(),
          ),
        ),
    )
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id/results',
        summary: 'Turnout while open; after close: outcome, reason, totals, ballot list by receipt, digest',
        tag: 'assembly',
        access: 'authenticated',
        params: proposalIdParams,
        success: { status: 200, schema: resultsSchema, description: 'Results' },
        errors: { 404: 'not_found', 409: 'proposal_not_open (never opened)' },
      },
      async ({ params, actor }) => presentResults(await assembly.results(params.id, now(), actor!.role as Viewer)),
    )
    .route(
      {
        method: 'get',
        path: '/api/bylaws',
        summary: 'The bylaws in force and every version adopted so far',
        tag: 'assembly',
        access: 'public',
        success: { status: 200, schema: bylawsSchema, description: 'Bylaws' },
      },
      async () => {
        const at = now();
        return presentBylaws(await assembly.bylawsInForce(at), await assembly.bylawsVersions(at));
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/pending-votes',
        summary: 'Open proposals you may vote on and have not yet, soonest deadline first',
        tag: 'assembly',
        access: ['member'],
        success: { status: 200, schema: pendingVotesSchema, description: 'Your pending votes' },
      },
      async ({ actor }) => presentPendingVotes(await assembly.pendingVotes(actor!.userId, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/steward/proposals/:id/reminders',
        summary: 'Whether reminders are due and how many members still have to vote (a count, never who)',
        tag: 'steward',
        access: ['steward'],
        params: proposalIdParams,
        success: { status: 200, schema: remindersSchema, description: 'Reminder summary' },
        errors: { 404: 'not_found', 409: 'proposal_not_open' },
      },
      async ({ params }) => presentReminders(await assembly.reminders(params.id, now())),
    );
}
