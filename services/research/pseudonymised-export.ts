// Record-level export under per-study pseudonyms: the same decide → audit gate as queries, then every in-scope
// observation of the included members, pseudonymised with a key that exists only for this policy.
import { randomBytes, randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { memberIncluded } from '../../policies/research/consent.js';
import type { AccessRequest } from '../../policies/research/decide.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import {
  POLICY_KEY_BYTES,
  pseudonymiseObservation,
  type PseudonymisedRecord,
} from '../../policies/research/pseudonym.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { ServiceUnavailable } from '../errors.js';
import type { Actor } from '../auth/actor.js';
import { openChunk, type ChunkMeta } from '../vault/chunk-codec.js';
import { auditDecision, decideRequest, rateLimit, refusal } from './decision-gate.js';
import type { ResearchContext } from './research-context.js';
import { recordUse } from './use-records.js';

/** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
export async function exportRecords(
  ctx: ResearchContext,
  actor: Actor,
  policyId: string,
  input: { category: string; from?: string | undefined; to?: string | undefined },
  now: Date,
): Promise<{ policyId: string; policyVersion: number; category: string; records: PseudonymisedRecord[] }> {
  await rateLimit(ctx, actor.userId, now);
  const approved = await ctx.registry.find(policyId, now);
  if (approved && approved.status !== 'active') await ctx.policyKeys.deleteOne({ _id: policyId });
  const request: AccessRequest = {
    researcherId: actor.userId,
    policyId,
    category: input.category,
    ...(input.from !== undefined && { from: input.from }),
    ...(input.to !== undefined && { to: input.to }),
    level: 'pseudonymised',
  };
  const decision = await decideRequest(ctx, actor, approved, request, now);
  const queryId = randomUUID();
  const subject = { queryId, policyId, category: input.category, export: true };
  await auditDecision(ctx, actor, subject, decision, now);
  if (decision.decision === 'deny' || !approved)
    throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
  const policy = approved.policy;
  const key = await policyKey(ctx, policyId, now);
  const from = new Date(decision.period.from);
  const to = new Date(decision.period.to);
  const included = (await ctx.cohort.members()).filter(
    (m) => memberIncluded(m.history, policy, input.category, now, 'pseudonymised').included,
  );
  const refs = await ctx.cohort.chunkRefs(included, input.category, from, to);
  const documents = await ctx.cohort.sealedChunks(refs);
  const byId = new Map(included.map((m) => [m.id, m]));
  const records: PseudonymisedRecord[] = [];
  const contributors = new Set<string>();
  for (const [memberId, list] of refs) {
    const member = byId.get(memberId)!;
    const groups = groupValuesOf(ctx.cohort.profileOf(member), now);
    for (const ref of list) {
      const document = documents.get(ref.id);
      if (!document) continue;
      const meta: ChunkMeta = { id: document._id, memberId, category: document.category, month: document.month };
      for (const observation of openChunk(member.key, meta, toBuffer(document.sealed))) {
        const at = Date.parse(observation.effectiveAt);
        if (at < from.getTime() || at >= to.getTime()) continue;
        contributors.add(memberId);
        records.push(pseudonymiseObservation(observation, memberId, key, policy.deidentification, groups));
      }
    }
  }
  // Sorted by pseudonym then date, so the order says nothing about members' ids or upload order.
  records.sort((a, b) => a.pseudonym.localeCompare(b.pseudonym) || a.effective.localeCompare(b.effective));
  await recordUse(ctx, 'export', queryId, policy, actor.userId, input.category, null, contributors, now);
  return { policyId, policyVersion: policy.version, category: input.category, records };
}

/** The per-policy pseudonym key: random, stored wrapped by the master key, created once (unique insert). */
async function policyKey(ctx: ResearchContext, policyId: string, now: Date): Promise<Buffer> {
  const id = `policy-key:${policyId}`;
  const existing = await ctx.policyKeys.findOne({ _id: policyId });
  if (existing) return ctx.deps.keyring.unwrapServiceSecret(id, toBuffer(existing.wrapped));
  const secret = randomBytes(POLICY_KEY_BYTES);
  const wrapped = ctx.deps.keyring.wrapServiceSecret(id, secret);
  if (
    await claimOnce(ctx.policyKeys as unknown as mongo.Collection<mongo.Document>, policyId, {
      wrapped,
      createdAt: now,
    })
  ) {
    return secret;
  }
  const winner = await ctx.policyKeys.findOne({ _id: policyId });
  if (!winner) throw new ServiceUnavailable();
  return ctx.deps.keyring.unwrapServiceSecret(id, toBuffer(winner.wrapped));
}
