// Migration 2 on hand-written 0.1.0 accounts: members become admitted at their joinedAt; running it again, or
// resuming from a saved progress, ends in the same state; researchers, stewards and already-migrated accounts stay.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { admittedMembers } from '../../../../services/db/migrations/0002-admitted-members.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;
const joinedAt = new Date('2026-03-01T10:00:00.000Z');

function contextFor(progress?: unknown): MigrationContext & { saved: unknown[] } {
  const saved: unknown[] = [];
  return {
    db: connection.db!,
    log: () => {},
    progress,
    saved,
    saveProgress: async (p: unknown) => {
      saved.push(p);
    },
  } as unknown as MigrationContext & { saved: unknown[] };
}

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  const users = connection.db!.collection('users');
  await users.insertMany([
    ...Array.from({ length: 3 }, (_, i) => ({ _id: `m${i}` as never, role: 'member', membership: { joinedAt } })),
    { _id: 'r0' as never, role: 'researcher', researcher: { verification: 'verified' } },
    { _id: 's0' as never, role: 'steward' },
    { _id: 'a0' as never, role: 'member', admission: { status: 'applicant', appliedAt: joinedAt } },
  ]);
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

const snapshot = async () => connection.db!.collection('users').find({}).sort({ _id: 1 }).toArray();

describe('migration 0002 admitted-members', () => {
  it('admits every 0.1.0 member at their joinedAt and touches no one else', async () => {
    const context = contextFor();
    await admittedMembers.up(context);
    const byId = new Map((await snapshot()).map((u) => [String(u._id), u]));
    for (const id of ['m0', 'm1', 'm2']) {
      expect(byId.get(id)!.admission).toEqual({
        status: 'admitted',
        appliedAt: joinedAt,
        decidedAt: joinedAt,
        identityMethod: 'before-admission',
      });
    }
    expect(byId.get('r0')!.admission).toBeUndefined();
    expect(byId.get('s0')!.admission).toBeUndefined();
    expect(byId.get('a0')!.admission).toEqual({ status: 'applicant', appliedAt: joinedAt });
    expect(context.saved.at(-1)).toEqual({ after: 's0' });
  });

  it('finds the same result when run again, or resumed from a saved progress', async () => {
    const before = await snapshot();
    await admittedMembers.up(contextFor());
    expect(await snapshot()).toEqual(before);
    // A runner died after m1: m2 was not converted yet; its successor resumes after m1 and converts it.
    await connection.db!.collection('users').updateOne({ _id: 'm2' as never }, { $unset: { admission: '' } });
    await admittedMembers.up(contextFor({ after: 'm1' }));
    expect(await snapshot()).toEqual(before);
  });
});
