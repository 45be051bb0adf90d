// The only fields of an account that leave the server (no hashes, keys or internal state).
import type { z } from 'zod';
import type { Account } from '../../../members/index.js';
import type { accountSchema } from './auth.schema.js';

/** Whitelists the public fields of an account. */
export function presentAccount(account: Account): z.infer<typeof accountSchema> {
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
    ...(account.researcher && { verification: account.researcher.verification }),
    ...(account.researcher?.nonProfit !== undefined && { nonProfit: account.researcher.nonProfit }),
    createdAt: account.createdAt.toISOString(),
  };
}
