// Verifying the tamper-evident audit log (stewards) and publishing its signed checkpoints (anyone).
import { z } from 'zod';
import type { AuditLog } from '../../../audit/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentCheckpoints, presentVerification } from './audit.presenter.js';

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

/** Adds /api/audit/verify and /api/audit/checkpoints. */
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
        path: '/api/audit/checkpoints',
        summary: 'Signed checkpoints of the audit chain and the public key that verifies them',
        tag: 'audit',
        access: 'public',
        success: { status: 200, schema: checkpointsSchema, description: 'Checkpoints, oldest first' },
      },
      async () => presentCheckpoints({ ...audit.publicJwk }, await audit.listCheckpoints()),
    );
}
