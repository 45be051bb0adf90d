// The one place where an ended policy loses its pseudonym key: every read of approved policies through it.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyStatus } from '../../../policies/research/policy-status.js';
import { loadKeyring } from '../../../services/crypto/keyring.js';
import { approvedPolicies } from '../../../services/research/approved-policies.js';
import { PolicyKeys } from '../../../services/research/policy-keys.js';
import type { ApprovedPolicy } from '../../../services/research/policy-registry.js';
import { buildPolicy } from '../../policies/research/research-builders.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

let connection: Connection;
let dropAndClose: () => Promise<void>;
let keys: PolicyKeys;
beforeAll(async () => {
  ({ connection, dropAndClose } = await connectTestDatabase());
  keys = new PolicyKeys(connection, await loadKeyring(connection, randomBytes(32)));
});
afterAll(() => dropAndClose());

const now = new Date('2026-06-01T00:00:00.000Z');

function approved(id: string, status: PolicyStatus): ApprovedPolicy {
  return {
    policy: buildPolicy({ id }),
    status,
    title: id,
    proposalId: `proposal-${id}`,
    approvedAt: new Date('2026-01-01T00:00:00.000Z'),
    revokedAt: null,
  };
}

/** The assembly's verdicts as the registry would derive them (the registry itself reads votes, not keys). */
function registryOf(policies: ApprovedPolicy[]) {
  return {
    find: async (id: string) => policies.find((p) => p.policy.id === id) ?? null,
    list: async () => policies,
  };
}

const stored = async () =>
  (await connection.collection('policy_keys').find({}).toArray()).map((d) => String(d._id)).sort();

describe('policy keys', () => {
  it('creates a key once and gives the same key on the next use', async () => {
    const first = await keys.keyFor('same', now);
    expect(await keys.keyFor('same', now)).toEqual(first);
    expect(await Promise.all([keys.keyFor('raced', now), keys.keyFor('raced', now)])).toSatisfy(([a, b]: Buffer[]) =>
      a!.equals(b!),
    );
  });
});

describe('approvedPolicies', () => {
  it('destroys the key of a policy found ended, and keeps an active one’s', async () => {
    await Promise.all([keys.keyFor('active-1', now), keys.keyFor('revoked-1', now)]);
    const policies = approvedPolicies(
      registryOf([approved('active-1', 'active'), approved('revoked-1', 'revoked')]),
      keys,
    );
    expect((await policies.find('active-1', now))?.status).toBe('active');
    expect(await stored()).toEqual(expect.arrayContaining(['active-1', 'revoked-1']));
    expect((await policies.find('revoked-1', now))?.status).toBe('revoked');
    expect(await stored()).not.toContain('revoked-1');
    expect(await stored()).toContain('active-1');
  });

  it('destroys the keys of every ended policy when the list is read', async () => {
    await Promise.all(['active-2', 'expired-2', 'revoked-2'].map((id) => keys.keyFor(id, now)));
    const policies = approvedPolicies(
      registryOf([approved('active-2', 'active'), approved('expired-2', 'expired'), approved('revoked-2', 'revoked')]),
      keys,
    );
    expect(await policies.list(now)).toHaveLength(3);
    const left = await stored();
    expect(left).toContain('active-2');
    expect(left).not.toContain('expired-2');
    expect(left).not.toContain('revoked-2');
  });

  it('answers null for a policy the assembly never approved, destroying nothing', async () => {
    await keys.keyFor('active-3', now);
    const policies = approvedPolicies(registryOf([]), keys);
    expect(await policies.find('active-3', now)).toBeNull();
    expect(await stored()).toContain('active-3');
  });
});
