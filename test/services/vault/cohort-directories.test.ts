// Research's read of the cohort's directories: a directory this process has seen is checked by one probe of its
// next version (no hint, no directory decoded again), and an upload through another instance — another VaultStore
// on the same database — is seen by the very next read, as is a new member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultStore } from '../../../services/vault/vault-store.js';
import { registerAndLogin } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const heartRate = (effectiveAt: string) => ({
  category: 'heart-rate',
  unit: '/min',
  value: 61,
  effectiveAt,
  source: 'manual' as const,
});

describe('newestDirectories', () => {
  it('probes only the next version of directories it has seen, and sees every newer one', async () => {
    const ids: string[] = [];
    for (const month of ['2025-01', '2025-02']) {
      const member = await registerAndLogin(app);
      await app.services.vault.storeObservations(member.id, [heartRate(`${month}-10T08:00:00.000Z`)]);
      ids.push(member.id);
    }
    const members = await Promise.all(ids.map(async (id) => ({ id, key: await app.services.vault.memberKey(id) })));
    const store = new VaultStore(app.connection);
    const asked: string[][] = [];
    const heads = (store as unknown as { heads: { find: (filter: { _id: { $in: string[] } }) => unknown } }).heads;
    const find = heads.find.bind(heads);
    heads.find = (filter) => {
      asked.push(filter._id.$in);
      return find(filter);
    };
    const months = async () =>
      new Map([...(await store.newestDirectories(members))].map(([id, refs]) => [id, refs.map((r) => r.month).sort()]));

    expect(await months()).toEqual(
      new Map([
        [ids[0]!, ['2025-01']],
        [ids[1]!, ['2025-02']],
      ]),
    );
    expect(asked.flat().some((id) => id.endsWith(':hint'))).toBe(true);

    // Again, nothing changed: one probe per member, of the version after the one it has.
    asked.length = 0;
    expect(await months()).toEqual(
      new Map([
        [ids[0]!, ['2025-01']],
        [ids[1]!, ['2025-02']],
      ]),
    );
    expect(asked.flat().sort()).toEqual(ids.map((id) => `${id}:v:2`).sort());

    // An upload through another instance (the app's own vault): the next read lists it.
    await app.services.vault.storeObservations(ids[0]!, [heartRate('2025-03-10T08:00:00.000Z')]);
    expect((await months()).get(ids[0]!)).toEqual(['2025-01', '2025-03']);
    asked.length = 0;
    expect((await months()).get(ids[0]!)).toEqual(['2025-01', '2025-03']);
    expect(asked.flat().sort()).toEqual([`${ids[0]!}:v:3`, `${ids[1]!}:v:2`].sort());
  });
});
