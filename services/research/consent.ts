// The member's consent use cases: read the version in force and record a new one, audited under a pseudonym.
import { type Consent, consentInForce, parseConsent } from '../../policies/research/consent.js';
import { type ConsentChange, consentHistoryChanges } from '../../policies/research/consent-diff.js';
import type { Instant } from '../../policies/shared/instant.js';
import type { Keyring } from '../crypto/keyring.js';
import { InvalidRequest } from '../errors.js';
import type { MemberDirectory } from '../members/index.js';
import type { ConsentStore } from './consent-store.js';
import type { ResearchAudit } from './decision-gate.js';

export interface ConsentDeps {
  consents: ConsentStore;
  members: Pick<MemberDirectory, 'dataKeyOf'>;
}

/** The member's consent as the API shows it: in force now, with every version's time and what it changed. */
export interface ConsentView {
  consent: Consent;
  version: number;
  recordedAt: Instant | null;
  history: { version: number; recordedAt: Instant; changes: readonly ConsentChange[] }[];
}

/** The member as the audit chain names them: a blind index, so the chain never holds member ids. */
export function auditPseudonym(keyring: Keyring, memberId: string): string {
  return `member:${keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
}

/** The member's consent in force now and the list of versions (times and what each changed). */
export async function consentOf(deps: ConsentDeps, memberId: string, now: Date): Promise<ConsentView> {
  const history = await deps.consents.history(memberId, await deps.members.dataKeyOf(memberId));
  const current = consentInForce(history, now);
  const inForce = history.filter((v) => new Date(v.recordedAt).getTime() <= now.getTime()).at(-1);
  return {
    consent: current,
    version: inForce?.version ?? 0,
    recordedAt: inForce?.recordedAt ?? null,
    history: consentHistoryChanges(history).map(({ version, recordedAt, changes }) => ({
      version,
      recordedAt,
      changes,
    })),
  };
}

/** Records a new version of the member's consent (the whole consent as it stands from now on); audited. */
export async function changeConsent(
  deps: ConsentDeps & { audit: ResearchAudit; keyring: Keyring },
  memberId: string,
  body: unknown,
  now: Date,
): Promise<ConsentView> {
  const parsed = parseConsent(body);
  if (!parsed.ok) throw new InvalidRequest('invalid_consent', 'The consent is not valid.', [...parsed.problems]);
  const key = await deps.members.dataKeyOf(memberId);
  const version = await deps.consents.record(memberId, key, parsed.consent, now);
  await deps.audit.append('consent.changed', auditPseudonym(deps.keyring, memberId), { version: version.version }, now);
  return consentOf(deps, memberId, now);
}

/** Records a consent version without an audit entry, for seeding test and benchmark data only. */
export async function seedConsent(deps: ConsentDeps, memberId: string, consent: Consent, now: Date): Promise<void> {
  await deps.consents.record(memberId, await deps.members.dataKeyOf(memberId), consent, now);
}
