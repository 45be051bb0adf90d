// The member's consent use cases: read the version in force and record a new one, audited under a pseudonym.
import { consentInForce, parseConsent } from '../../policies/research/consent.js';
import { InvalidRequest } from '../errors.js';
import { auditPseudonym, type ResearchContext } from './research-context.js';

/** The member's consent in force now and the list of versions (times only). */
export async function consentOf(ctx: ResearchContext, memberId: string, now: Date) {
  const history = await ctx.consents.history(memberId, await ctx.deps.vault.memberKey(memberId));
  const current = consentInForce(history, now);
  const inForce = history.filter((v) => new Date(v.recordedAt).getTime() <= now.getTime()).at(-1);
  return {
    consent: current,
    version: inForce?.version ?? 0,
    recordedAt: inForce?.recordedAt ?? null,
    history: history.map((v) => ({ version: v.version, recordedAt: v.recordedAt })),
  };
}

/** Records a new version of the member's consent (the whole consent as it stands from now on); audited. */
export async function changeConsent(ctx: ResearchContext, memberId: string, body: unknown, now: Date) {
  const parsed = parseConsent(body);
  if (!parsed.ok) throw new InvalidRequest('invalid_consent', 'The consent is not valid.', [...parsed.problems]);
  const key = await ctx.deps.vault.memberKey(memberId);
  const version = await ctx.consents.record(memberId, key, parsed.consent, now);
  await ctx.deps.audit.append('consent.changed', auditPseudonym(ctx, memberId), { version: version.version }, now);
  return consentOf(ctx, memberId, now);
}
