// Stewards verify researchers: the organisation they act for and whether it is non-profit.
import { performance } from 'node:perf_hooks';
import type { Model, mongo } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Revocations } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { claimOnce } from '../db/claims.js';
import { Conflict, NotFound } from '../errors.js';
import { afterChange, toAccount, type AccountReading } from './account-records.js';
import type {
  Account,
  AffiliationChange,
  ResearcherDecision,
  ResearcherFilter,
  ResearcherVerificationDecision,
  VerificationEvidence,
} from './members.model.js';
import { openProfile, sealProfile } from './profile.js';
import type { UserDocument } from './user.model.js';
import { sealEvidence } from './verification-evidence.js';

/** Researchers awaiting (or past) a steward's decision, oldest first. */
export async function listResearchers(
  { users, keyring }: AccountReading,
  verification: ResearcherFilter,
): Promise<Account[]> {
  const filter: Record<string, unknown> = { role: 'researcher' };
  if (verification !== 'all') filter['researcher.verification'] = verification;
  const found = await users.find(filter).sort({ createdAt: 1 }).limit(500).lean();
  return found.map((u) => toAccount(keyring, u));
}

export interface VerificationDeps {
  users: Model<UserDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
  revocations: Revocations;
  audit?: AuditTrail;
}

const alreadyVerified = () =>
  new Conflict(
    'researcher_already_verified',
    'This researcher is verified already; change their organisation or non-profit status as its own step, with a reason.',
  );

/**
 * A steward confirms a pending researcher's organisation and whether it is non-profit. Once only: a verified
 * researcher is refused (409), and of two stewards deciding at once one wins (a claim), so a verification can
 * never silently overwrite another. The steward's evidence (how identity and affiliation were checked) is kept with
 * the verification: the method audited, the free-text note sealed. Changing an affiliation afterwards is
 * `changeAffiliation`.
 */
export async function verifyResearcher(
  deps: VerificationDeps,
  researcherId: string,
  decision: ResearcherVerificationDecision,
  stewardId: string,
  now: Date,
): Promise<Account> {
  const started = performance.now();
  const user = await deps.users.findById(researcherId).lean();
  if (!user || user.role !== 'researcher') throw new NotFound();
  if (user.researcher?.verification === 'verified') throw alreadyVerified();
  if (!(await claimOnce(deps.claims, `researcher-verified:${researcherId}`, { at: now, by: stewardId }))) {
    throw alreadyVerified();
  }
  const { evidence, ...affiliation } = decision;
  const updated = await writeAffiliation(
    deps,
    user,
    affiliation,
    { decidedAt: now, decidedBy: stewardId },
    now,
    evidence,
  );
  await deps.audit?.append(
    'researcher.verified',
    stewardId,
    { researcherId, nonProfit: decision.nonProfit, evidenceMethod: evidence.method },
    now,
  );
  await deps.revocations.accountChanged(researcherId, afterChange(now, started));
  return toAccount(deps.keyring, updated);
}

/**
 * A steward changes a verified researcher's organisation or non-profit status (which decides DUO NPU eligibility):
 * its own action, audited with the steward, the reason code and what changed (no organisation name: that is
 * sealed). A researcher not verified yet is verified instead (409 here).
 */
export async function changeAffiliation(
  deps: VerificationDeps,
  researcherId: string,
  change: AffiliationChange,
  stewardId: string,
  now: Date,
): Promise<Account> {
  const started = performance.now();
  const user = await deps.users.findById(researcherId).lean();
  if (!user || user.role !== 'researcher') throw new NotFound();
  if (user.researcher?.verification !== 'verified') {
    throw new Conflict('researcher_not_verified', 'Verify this researcher first.');
  }
  const key = deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const before = openProfile(key, user._id, toBuffer(user.profile)).organisation;
  const organisationChanged = before !== change.organisation;
  const nonProfitChanged = user.researcher.nonProfit !== change.nonProfit;
  if (!organisationChanged && !nonProfitChanged) {
    throw new Conflict('affiliation_unchanged', 'This is the researcher’s affiliation already.');
  }
  const updated = await writeAffiliation(deps, user, change, user.researcher, now);
  await deps.audit?.append(
    'researcher.affiliation_changed',
    stewardId,
    {
      researcherId,
      reason: change.reason,
      organisationChanged,
      nonProfit: { from: user.researcher.nonProfit ?? null, to: change.nonProfit },
    },
    now,
  );
  await deps.revocations.accountChanged(researcherId, afterChange(now, started));
  return toAccount(deps.keyring, updated);
}

// Seals the organisation into the profile and writes the verification with the given decision date and steward; the
// evidence is the new one on a first verification, the stored one (untouched) on a change of affiliation.
async function writeAffiliation(
  deps: VerificationDeps,
  user: UserDocument,
  decision: ResearcherDecision,
  decided: { decidedAt?: Date; decidedBy?: string },
  now: Date,
  evidence?: VerificationEvidence,
): Promise<UserDocument> {
  const key = deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const profile = { ...openProfile(key, user._id, toBuffer(user.profile)), organisation: decision.organisation };
  const updated = await deps.users
    .findOneAndUpdate(
      { _id: user._id, role: 'researcher' },
      {
        $set: {
          profile: sealProfile(key, user._id, profile),
          researcher: {
            verification: 'verified',
            nonProfit: decision.nonProfit,
            decidedAt: decided.decidedAt,
            decidedBy: decided.decidedBy,
            ...(evidence
              ? { evidence: sealEvidence(key, user._id, evidence) }
              : user.researcher?.evidence && { evidence: user.researcher.evidence }),
          },
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) throw new NotFound();
  return updated;
}
