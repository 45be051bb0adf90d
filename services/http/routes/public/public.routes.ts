// The public record over HTTP: readable by anyone, without signing in; every field leaves through public.presenter.
import type { PublicRecordReader } from '../../../record/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentPublicRecord, presentPublicResults } from './public.presenter.js';
import { proposalIdParams, publicRecordSchema, publicResultsSchema } from './public.schema.js';

/** Adds /api/public/record and /api/public/proposals/:id. */
export function publicRoutes(api: ApiRouter, record: PublicRecordReader, now: () => Date): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/public/record',
        summary:
          'The public record: access policies (who asks, what, why, ε spent, valid until), requests and their status, every counted proposal with outcome, totals and ballot-list digest, and the signed audit checkpoints',
        tag: 'public',
        access: 'public',
        success: { status: 200, schema: publicRecordSchema, description: 'The record as of now' },
      },
      async () => {
        const at = now();
        return presentPublicRecord(await record.read(at), at);
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/public/proposals/:id',
        summary: 'One counted proposal with its ballot list by receipt (recount it, find your receipt)',
        tag: 'public',
        access: 'public',
        params: proposalIdParams,
        success: { status: 200, schema: publicResultsSchema, description: 'The counted proposal and its ballots' },
        errors: { 404: 'not_found (also a proposal not yet counted)' },
      },
      async ({ params }) => presentPublicResults(await record.results(params.id, now())),
    );
}
