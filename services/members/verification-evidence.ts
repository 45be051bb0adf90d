// The evidence behind a researcher's verification: the method stays in clear (it is audited and filtered on), the
// steward's note is sealed under the researcher's own key, like the rest of what is personal about them.
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import { toBuffer } from '../db/connection.js';
import type { ResearcherView, VerificationEvidence, VerificationMethod } from './members.model.js';
import type { UserDocument } from './user.model.js';

const EVIDENCE_SCHEMA_VERSION = 1;

function noteBinding(userId: string): Binding {
  return {
    collection: 'users.researcher.evidence',
    recordId: userId,
    memberId: userId,
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
  };
}

/** The stored form of a steward's evidence: the note sealed under the researcher's key, bound to their record. */
export function sealEvidence(
  key: Buffer,
  userId: string,
  evidence: VerificationEvidence,
): { method: string; note: Buffer } {
  return { method: evidence.method, note: sealJson(key, { note: evidence.note }, noteBinding(userId)) };
}

/** The researcher part of a stored user as the use cases read it (the evidence note opened). */
export function openResearcher(key: Buffer, user: UserDocument): ResearcherView | undefined {
  const stored = user.researcher;
  if (!stored) return undefined;
  const { evidence, ...rest } = stored;
  if (!evidence) return rest;
  const { note } = openJson<{ note: string }>(key, toBuffer(evidence.note), noteBinding(user._id));
  return { ...rest, evidence: { method: evidence.method as VerificationMethod, note } };
}
