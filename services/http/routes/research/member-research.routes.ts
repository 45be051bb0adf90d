// The member's side of research: their consent (the second key), their access log and cohort insights.
import { z } from 'zod';
import type { AppAccessView } from '../../../apps/index.js';
import { NotFound } from '../../../errors.js';
import type { Members } from '../../../members/index.js';
import type { Research } from '../../../research/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAppAccess } from '../apps/apps.presenter.js';
import {
  presentAccessLogEntry,
  presentConsent,
  presentInsights,
  presentMemberStudy,
  type StudyResearcher,
} from './research.presenter.js';
import { consentBody, insightsQuery } from './research.schema.js';

const consentSchema = z.object({
  consent: z.object({
    categories: z.record(z.string(), z.enum(['aggregate', 'pseudonymised'])),
    conditions: z.record(z.string(), z.boolean()),
    optedOutPolicies: z.array(z.string()),
  }),
  version: z.number().int(),
  recordedAt: z.string().nullable(),
  history: z.array(
    z.object({
      version: z.number().int(),
      recordedAt: z.string(),
      changes: z
        .array(z.record(z.string(), z.unknown()))
        .describe('What this version changed against the one before: level, condition, left, rejoined'),
    }),
  ),
});

const memberStudySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  researcher: z
    .object({ name: z.string().nullable(), organisation: z.string().nullable() })
    .describe('Who the study is for: never the account id or e-mail'),
  purpose: z.string(),
  level: z.enum(['aggregate', 'pseudonymised']),
  statistics: z.array(z.string()),
  period: z.object({ from: z.string(), to: z.string() }),
  validUntil: z.string(),
  approvedAt: z.string(),
  minCellSize: z.number(),
  epsilonBudget: z.number(),
  remainingEpsilon: z.number(),
  left: z.boolean(),
  categories: z.array(z.object({ category: z.string(), included: z.boolean(), reason: z.string() })),
});

/** Reads a study's researcher from their account: name and organisation only (null for an account gone). */
export function researcherFromAccounts(members: Pick<Members, 'getAccount'>) {
  return async (accountId: string): Promise<StudyResearcher> => {
    try {
      const account = await members.getAccount(accountId);
      if (account.role !== 'researcher') return { name: null, organisation: null };
      return { name: account.profile.name, organisation: account.profile.organisation ?? null };
    } catch (error) {
      if (error instanceof NotFound) return { name: null, organisation: null };
      throw error;
    }
  };
}

/** Adds GET/PUT /api/me/consent, GET /api/me/studies, GET /api/me/access-log and GET /api/me/insights. */
export function memberResearchRoutes(
  api: ApiRouter,
  research: Research,
  /** What the member's connected apps read and wrote (listed in the same log). */
  appAccesses: (memberId: string) => Promise<AppAccessView[]>,
  now: () => Date,
  /** The name and organisation of a study's researcher (null when the account is gone). */
  researcherOf: (accountId: string) => Promise<StudyResearcher>,
): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/me/consent',
        summary: 'Your consent in force (default: none for every category) and the times of its versions',
        tag: 'me',
        access: ['member'],
        success: { status: 200, schema: consentSchema, description: 'Your consent' },
      },
      async ({ actor }) => presentConsent(await research.consentOf(actor!.userId, now())),
    )
    .route(
      {
        method: 'put',
        path: '/api/me/consent',
        summary: 'Set your consent per category, DUO conditions and studies you left; effective from the next request',
        tag: 'me',
        access: ['member'],
        body: consentBody,
        bodyLimitBytes: 64 * 1024,
        success: { status: 200, schema: consentSchema, description: 'Your new consent' },
        errors: { 400: 'validation_failed (unknown_category, invalid_level, unknown_field …)' },
      },
      async ({ actor, body }) => presentConsent(await research.changeConsent(actor!.userId, body, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/studies',
        summary:
          'Every active study (who, purpose, categories, level, until when) and, per category, whether your data is in it now under your consent',
        tag: 'me',
        access: ['member'],
        success: {
          status: 200,
          schema: z.object({ studies: z.array(memberStudySchema) }),
          description: 'The active studies and your place in each',
        },
      },
      async ({ actor }) => {
        const studies = await research.studiesOf(actor!.userId, now());
        const researchers = new Map<string, Promise<StudyResearcher>>();
        const researcher = (id: string) => {
          if (!researchers.has(id)) researchers.set(id, researcherOf(id));
          return researchers.get(id)!;
        };
        return {
          studies: await Promise.all(
            studies.map(async (s) => presentMemberStudy(s, await researcher(s.approved.policy.grantee))),
          ),
        };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/access-log',
        summary:
          'Every research query or export that used your data (study, purpose, category, time, decision) and every read or write of a connected app, newest first',
        tag: 'me',
        access: ['member'],
        success: {
          status: 200,
          schema: z.object({ entries: z.array(z.record(z.string(), z.unknown())) }),
          description: 'Your access log, newest first',
        },
      },
      async ({ actor }) => {
        const [uses, apps] = await Promise.all([research.accessLog(actor!.userId, now()), appAccesses(actor!.userId)]);
        const entries = [...uses.map(presentAccessLogEntry), ...apps.map(presentAppAccess)];
        return { entries: entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)) };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/me/insights',
        summary: 'Your recent value against percentile bands of members who consented (suppressed when too few)',
        tag: 'me',
        access: ['member'],
        query: insightsQuery,
        success: { status: 200, schema: z.record(z.string(), z.unknown()), description: 'How you compare' },
        errors: { 400: 'unknown_category' },
      },
      async ({ actor, query }) => presentInsights(await research.insights(actor!.userId, query.category, now())),
    );
}
