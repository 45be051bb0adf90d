// Verifying the tamper-evident audit log (stewards) and publishing its signed checkpoints (anyone).
import { z } from 'zod';
import type { AuditLog } from '../../../audit/index.js';
import type { ApiRouter } from '../../api-router.js';
import { canonicalInstantSchema } from '../../../../policies/shared/schemas.js';
import { presentCheckpoints, presentEntryPage, presentVerification } from './audit.presenter.js';

const pageFields = {
  before: z.coerce.number().int().min(1).optional().describe("The previous page's nextBefore: older entries only"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** Stewards' filters: by type, time range [from, to), actor pseudonym; newest first, paginated. */
export const auditEntriesQuery = z.strictObject({
  type: z.string().min(1).max(100).optional().describe('e.g. proposal.opened, research.decision'),
  actor: z.string().min(1).max(200).optional().describe('An account id or audit pseudonym (member:…)'),
  from: canonicalInstantSchema.optional(),
  to: canonicalInstantSchema.optional(),
  ...pageFields,
});

export const ownAuditEntriesQuery = z.strictObject(pageFields);

export const auditEntryPageSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      type: z.string(),
      actor: z.string(),
      data: z.record(z.string(), z.unknown()).describe('Reason codes, ids and counts; never a personal value'),
    }),
  ),
  nextBefore: z.number().int().nullable(),
});

const verificationSchema = z.object({
  valid: z.boolean(),
  entries: z.number().int(),
  checkpoints: z.number().int(),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      problem: z.enum([
        'missing_entry',
        'hash_mismatch',
        'broken_link',
        'checkpoint_mismatch',
        'checkpoint_signature_invalid',
        'truncated',
      ]),
    }),
  ),
});

const checkpointsSchema = z.object({
  publicKey: z.record(z.string(), z.unknown()).describe('Ed25519 JWK that verifies every checkpoint'),
  checkpoints: z.array(
    z.object({ seq: z.number().int(), hash: z.string(), at: z.string(), jws: z.string().describe('Compact JWS') }),
  ),
});

/** Adds /api/audit/verify, /api/audit/entries, /api/me/audit-entries and /api/audit/checkpoints. */
export function auditRoutes(api: ApiRouter, audit: AuditLog, now: () => Date): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/audit/verify',
        summary: 'Recompute the whole hash chain and check every signed checkpoint; lists each problem found',
        tag: 'audit',
        access: ['steward'],
        success: { status: 200, schema: verificationSchema, description: 'The verification result' },
      },
      async () => presentVerification(await audit.verify(now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/audit/entries',
        summary: 'Audit entries, newest first: filter by type, date range and actor pseudonym; paginated',
        tag: 'audit',
        access: ['steward'],
        query: auditEntriesQuery,
        success: { status: 200, schema: auditEntryPageSchema, description: 'One page of entries' },
      },
      async ({ query }) =>
        presentEntryPage(
          await audit.listEntries({
            ...(query.type !== undefined && { type: query.type }),
            ...(query.actor !== undefined && { actor: query.actor }),
            ...(query.from !== undefined && { from: new Date(query.from) }),
            ...(query.to !== undefined && { to: new Date(query.to) }),
            ...(query.before !== undefined && { before: query.before }),
            limit: query.limit,
          }),
        ),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/audit-entries',
        summary: 'The audit entries about you: your own acts, and events that name your account; newest first',
        tag: 'audit',
        access: ['member', 'researcher'],
        query: ownAuditEntriesQuery,
        success: { status: 200, schema: auditEntryPageSchema, description: 'One page of entries' },
      },
      async ({ query, actor }) =>
        presentEntryPage(
          await audit.listEntries({
            about: actor!.userId,
            ...(query.before !== undefined && { before: query.before }),
            limit: query.limit,
          }),
        ),
    )
    .route(
      {
        method: 'get',
        path: '/api/audit/checkpoints',
        summary: 'Signed checkpoints of the audit chain and the public key that verifies them',
        tag: 'audit',
        access: 'public',
        success: { status: 200, schema: checkpointsSchema, description: 'Checkpoints, oldest first' },
      },
      async () => presentCheckpoints({ ...audit.publicJwk }, await audit.listCheckpoints()),
    );
}
