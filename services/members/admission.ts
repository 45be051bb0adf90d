// Membership steps: an account holder applies; a steward admits (after the bylaws' checks) or refuses with a
// reason; the member resigns (with the bylaws' notice) or a steward excludes them with a reason. Voting rights
// (`membership`, which the assembly reads) are written only at admission and end when the membership ends.
import { performance } from 'node:perf_hooks';
import type { Model, mongo } from 'mongoose';
import {
  admissionCheckRefusal,
  applicationRefusal,
  decisionRefusal,
  endingRefusal,
  membershipRoleRefusal,
  resignationEffectiveAt,
  type Admission,
  type MembershipRefusal,
  type MembershipRules,
  type MembershipSteps,
} from '../../policies/members/membership.js';
import type { AuditTrail } from '../audit/index.js';
import type { Revocations } from '../auth/index.js';
import { sealJson } from '../crypto/aead.js';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { Conflict, InvalidRequest, NotFound } from '../errors.js';
import { afterChange, toAccount } from './account-records.js';
import type { Account } from './members.model.js';
import type { AdmissionRecord, UserDocument } from './user.model.js';

export interface AdmissionStores {
  users: Model<UserDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
  revocations: Revocations;
  audit?: AuditTrail;
}

/** The steps the rules decide on, read from an account's register record. */
export function stepsOf(user: Pick<UserDocument, 'admission'>): MembershipSteps {
  return { status: user.admission?.status ?? 'none', endsAt: user.admission?.endsAt ?? null };
}

/** The binding of a sealed refusal or exclusion reason: this account's register record (see account-records). */
function reasonBinding(userId: string) {
  return { collection: 'users.admission', recordId: userId, memberId: userId, schemaVersion: 1 };
}

function refuse(refusal: MembershipRefusal | null): void {
  if (!refusal) return;
  throw refusal.kind === 'invalid'
    ? new InvalidRequest(refusal.code, refusal.message)
    : new Conflict(refusal.code, refusal.message);
}

async function loadHolder(users: Model<UserDocument>, userId: string): Promise<UserDocument> {
  const user = await users.findById(userId).lean();
  if (!user) throw new NotFound();
  refuse(membershipRoleRefusal(user.role));
  return user;
}

function sealReason(keyring: Keyring, user: UserDocument, reason: string): Buffer {
  const key = keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  return sealJson(key, reason, reasonBinding(user._id));
}

/** Writes the new register record (and rights) by `_id`, makes older tokens stale, and returns the account. */
async function record(
  deps: AdmissionStores,
  user: UserDocument,
  change: { admission: AdmissionRecord; membership?: UserDocument['membership'] },
  now: Date,
  started: number,
): Promise<Account> {
  const set = {
    admission: change.admission,
    ...(change.membership && { membership: change.membership }),
    updatedAt: now,
  };
  await deps.users.updateOne({ _id: user._id }, { $set: set });
  await deps.revocations.accountChanged(user._id, afterChange(now, started));
  return toAccount(deps.keyring, { ...user, ...set });
}

/** One step of a membership: its checks, the claim that makes it happen once, the stored change and its audit entry. */
interface MembershipStep {
  /** Throws (through `refuse`) when the step is not allowed for this account now. */
  check(user: UserDocument): void;
  claim?(deps: AdmissionStores, user: UserDocument, now: Date): Promise<void>;
  change(user: UserDocument): { admission: AdmissionRecord; membership?: UserDocument['membership'] };
  audit(user: UserDocument): { type: string; actor: string; data: Record<string, unknown> };
}

/** Runs one step in the one order every step keeps: load, check, claim, store, audit. */
async function takeStep(deps: AdmissionStores, userId: string, step: MembershipStep, now: Date): Promise<Account> {
  const started = performance.now();
  const user = await loadHolder(deps.users, userId);
  step.check(user);
  await step.claim?.(deps, user, now);
  const account = await record(deps, user, step.change(user), now, started);
  const { type, actor, data } = step.audit(user);
  await deps.audit?.append(type, actor, data, now);
  return account;
}

/** An account holder applies for membership (again only after a refusal). */
export function applyForMembership(deps: AdmissionStores, userId: string, now: Date): Promise<Account> {
  return takeStep(
    deps,
    userId,
    {
      check: (user) => refuse(applicationRefusal(stepsOf(user))),
      change: () => ({ admission: { status: 'applicant', appliedAt: now } }),
      audit: () => ({ type: 'membership.applied', actor: userId, data: { memberId: userId } }),
    },
    now,
  );
}

/** A decision on one application is taken once, even by two stewards at the same moment (a claim decides). */
async function claimDecision(deps: AdmissionStores, user: UserDocument, now: Date): Promise<void> {
  const application = `membership-decision:${user._id}:${user.admission!.appliedAt.getTime()}`;
  if (!(await claimOnce(deps.claims, application, { decidedAt: now }))) {
    throw new Conflict('application_decided', 'Another steward has just decided this application.');
  }
}

/** A steward admits an applicant after the bylaws' checks; voting rights run from this instant. */
export function admitMember(
  deps: AdmissionStores,
  userId: string,
  admission: Admission,
  rules: MembershipRules,
  stewardId: string,
  now: Date,
): Promise<Account> {
  return takeStep(
    deps,
    userId,
    {
      check: (user) => {
        refuse(decisionRefusal(stepsOf(user)));
        refuse(admissionCheckRefusal(admission, rules));
      },
      claim: claimDecision,
      change: (user) => ({
        admission: {
          status: 'admitted',
          appliedAt: user.admission!.appliedAt,
          decidedAt: now,
          decidedBy: stewardId,
          identityMethod: admission.identityMethod,
          share: { ...admission.shareSubscribed },
        },
        membership: { joinedAt: now },
      }),
      audit: () => ({
        type: 'membership.admitted',
        actor: stewardId,
        data: { memberId: userId, identityMethod: admission.identityMethod, share: admission.shareSubscribed },
      }),
    },
    now,
  );
}

/** A steward refuses an application, with a reason the applicant reads. */
export function refuseApplication(
  deps: AdmissionStores,
  userId: string,
  reason: string,
  stewardId: string,
  now: Date,
): Promise<Account> {
  return takeStep(
    deps,
    userId,
    {
      check: (user) => refuse(decisionRefusal(stepsOf(user))),
      claim: claimDecision,
      change: (user) => ({
        admission: {
          status: 'refused',
          appliedAt: user.admission!.appliedAt,
          decidedAt: now,
          decidedBy: stewardId,
          reason: sealReason(deps.keyring, user, reason),
        },
      }),
      audit: () => ({ type: 'membership.refused', actor: stewardId, data: { memberId: userId } }),
    },
    now,
  );
}

/** Membership ends once: a claim keeps a resignation and an exclusion (or two of either) from both applying. */
async function claimEnding(deps: AdmissionStores, user: UserDocument, now: Date): Promise<void> {
  const membership = `membership-end:${user._id}:${user.membership!.joinedAt.getTime()}`;
  if (!(await claimOnce(deps.claims, membership, { endedAt: now }))) {
    throw new Conflict('membership_ending', 'This membership has already ended or is ending.');
  }
}

/** A member resigns; their rights end after the bylaws' notice. */
export function resignMembership(
  deps: AdmissionStores,
  userId: string,
  rules: MembershipRules,
  now: Date,
): Promise<Account> {
  const endsAt = resignationEffectiveAt(now, rules);
  return takeStep(
    deps,
    userId,
    {
      check: (user) => refuse(endingRefusal(stepsOf(user))),
      claim: claimEnding,
      change: (user) => ({
        admission: { ...user.admission!, status: 'resigned', endedAt: now, endsAt },
        membership: { ...user.membership!, leftAt: endsAt },
      }),
      audit: () => ({
        type: 'membership.resigned',
        actor: userId,
        data: { memberId: userId, endsAt: endsAt.toISOString() },
      }),
    },
    now,
  );
}

/** A steward excludes a member, with a reason the member reads; the rights end at once. */
export function excludeMember(
  deps: AdmissionStores,
  userId: string,
  reason: string,
  stewardId: string,
  now: Date,
): Promise<Account> {
  return takeStep(
    deps,
    userId,
    {
      check: (user) => refuse(endingRefusal(stepsOf(user))),
      claim: claimEnding,
      change: (user) => ({
        admission: {
          ...user.admission!,
          status: 'excluded',
          endedAt: now,
          endedBy: stewardId,
          endsAt: now,
          reason: sealReason(deps.keyring, user, reason),
        },
        membership: { ...user.membership!, leftAt: now },
      }),
      audit: () => ({ type: 'membership.excluded', actor: stewardId, data: { memberId: userId } }),
    },
    now,
  );
}
