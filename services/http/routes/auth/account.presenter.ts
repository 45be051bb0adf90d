// The only fields of an account that leave the server (no hashes, keys or internal state).
import type { z } from 'zod';
import type { Account, SecondFactorsView } from '../../../members/index.js';
import { holdsRightsAt } from '../../../../policies/members/membership.js';
import type { accountSchema, membershipSchema } from './auth.schema.js';

/** The membership of an account holder at `now`: the register's steps and whether rights are held now. */
export function presentMembership(admission: Account['admission'], now: Date): z.infer<typeof membershipSchema> {
  if (!admission) return { status: 'none', votingRights: false };
  return {
    status: admission.status,
    votingRights: holdsRightsAt({ status: admission.status, endsAt: admission.endsAt ?? null }, now),
    appliedAt: admission.appliedAt.toISOString(),
    ...(admission.decidedAt && { decidedAt: admission.decidedAt.toISOString() }),
    ...(admission.identityMethod && { identityMethod: admission.identityMethod }),
    ...(admission.share && { share: { amount: admission.share.amount, currency: admission.share.currency } }),
    ...(admission.reason && { reason: admission.reason }),
    ...(admission.endsAt && { endsAt: admission.endsAt.toISOString() }),
  };
}

/** Whitelists the public fields of an account (`now` decides whether membership rights are held). */
export function presentAccount(account: Account, now: Date): z.infer<typeof accountSchema> {
  const { profile } = account;
  return {
    id: account.id,
    role: account.role,
    status: account.status,
    email: profile.email,
    name: profile.name,
    ...(profile.birthYear !== undefined && { birthYear: profile.birthYear }),
    ...(profile.sex !== undefined && { sex: profile.sex }),
    ...(profile.region !== undefined && { region: profile.region }),
    ...(profile.organisation !== undefined && { organisation: profile.organisation }),
    ...(account.membership && { memberSince: account.membership.joinedAt.toISOString() }),
    ...(account.role === 'member' && { membership: presentMembership(account.admission, now) }),
    ...(account.researcher && { verification: account.researcher.verification }),
    ...(account.researcher?.nonProfit !== undefined && { nonProfit: account.researcher.nonProfit }),
    locale: account.locale,
    emailVerified: account.emailVerifiedAt !== undefined,
    secondFactor: account.secondFactor,
    createdAt: account.createdAt.toISOString(),
  };
}

/** The owner's second factors: dates as ISO strings, never a secret, a public key or a recovery code. */
export function presentSecondFactors(view: SecondFactorsView) {
  return {
    totpSince: view.totpSince?.toISOString() ?? null,
    passkeys: view.passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: p.createdAt?.toISOString() ?? null,
      lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
    })),
    recoveryCodesLeft: view.recoveryCodesLeft,
  };
}
