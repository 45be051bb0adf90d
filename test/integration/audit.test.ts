import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Two service instances on one database, as in production behind a load balancer.
const dbName = `audit_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const masterKey = randomBytes(32);
let one: TestApp;
let two: TestApp;
let steward: BuiltAccount;

beforeAll(async () => {
  one = await createTestApp({}, { dbName, masterKey });
  two = await createTestApp({}, { dbName, masterKey });
  steward = await createStewardAndLogin(one);
});
afterAll(async () => {
  await two.close();
  await one.close();
});

const entries = () => one.connection.db!.collection('audit_log');

async function verify() {
  const response = await one.request('GET', '/api/audit/verify', { token: steward.accessToken });
  expect(response.status).toBe(200);
  return response.body as { valid: boolean; entries: number; problems: { seq: number; problem: string }[] };
}

describe('audit log', () => {
  it('keeps one unbroken chain when two instances append concurrently', async () => {
    // The steward's log-in is audited too.
    const before = await entries().countDocuments();
    const appends = Array.from({ length: 120 }, (_, i) =>
      (i % 2 ? one : two).services.audit.append('test.event', 'system', { i }, new Date()),
    );
    const positions = await Promise.all(appends);
    expect(new Set(positions).size).toBe(120);
    const result = await verify();
    expect(result).toMatchObject({ valid: true, entries: before + 120, problems: [] });
  });

  it('is verified by stewards only', async () => {
    const member = await registerAndLogin(one);
    expect((await one.request('GET', '/api/audit/verify', { token: member.accessToken })).status).toBe(403);
    expect((await one.request('GET', '/api/audit/verify')).status).toBe(401);
  });

  it('publishes C2SP checkpoints that anyone can verify with the published verifier key', async () => {
    const { signedNote } = await import('../../services/audit/index.js');
    const response = await one.request('GET', '/api/audit/checkpoints');
    expect(response.status).toBe(200);
    expect(response.body.checkpoints.length).toBeGreaterThan(0);
    for (const checkpoint of response.body.checkpoints) {
      const text = signedNote.verifyNote(checkpoint.note, response.body.verifierKey)?.text;
      expect(signedNote.parseCheckpoint(text!)).toMatchObject({
        origin: 'datacoop.local/audit',
        size: checkpoint.size,
      });
      expect(signedNote.parseCheckpoint(text!)!.root.toString('hex')).toBe(checkpoint.root);
    }
  });

  describe('detects tampering', () => {
    // Each case tampers, verifies, and restores the original documents.
    async function tamperAndVerify(tamper: () => Promise<() => Promise<void>>) {
      expect((await verify()).valid).toBe(true);
      const restore = await tamper();
      try {
        return await verify();
      } finally {
        await restore();
        expect((await verify()).valid).toBe(true);
      }
    }

    it('an edited entry', async () => {
      const result = await tamperAndVerify(async () => {
        const original = await entries().findOne({ _id: 10 as never });
        await entries().updateOne({ _id: 10 as never }, { $set: { 'data.i': 999 } });
        return async () => void (await entries().replaceOne({ _id: 10 as never }, original!));
      });
      expect(result.valid).toBe(false);
      expect(result.problems).toContainEqual({ seq: 10, problem: 'hash_mismatch' });
    });

    it('a removed entry', async () => {
      const result = await tamperAndVerify(async () => {
        const original = await entries().findOne({ _id: 20 as never });
        await entries().deleteOne({ _id: 20 as never });
        return async () => void (await entries().insertOne(original!));
      });
      expect(result.problems).toContainEqual({ seq: 20, problem: 'missing_entry' });
    });

    it('two reordered entries', async () => {
      const result = await tamperAndVerify(async () => {
        const a = await entries().findOne({ _id: 30 as never });
        const b = await entries().findOne({ _id: 31 as never });
        await entries().replaceOne({ _id: 30 as never }, { ...b!, _id: 30 });
        await entries().replaceOne({ _id: 31 as never }, { ...a!, _id: 31 });
        return async () => {
          await entries().replaceOne({ _id: 30 as never }, a!);
          await entries().replaceOne({ _id: 31 as never }, b!);
        };
      });
      expect(result.valid).toBe(false);
      expect(result.problems.map((p) => p.seq)).toEqual(expect.arrayContaining([30, 31]));
    });

    it('an inserted entry with the whole rest of the chain rewritten consistently', async () => {
      const { entryHash } = await import('../../services/audit/index.js');
      const result = await tamperAndVerify(async () => {
        const originals = await entries().find().sort({ _id: 1 }).toArray();
        // Insert a forged entry at position 40 and re-hash everything after it, as an attacker with database access could.
        const forged = {
          _id: 40,
          at: new Date(),
          type: 'test.forged',
          actor: 'system',
          data: {},
          prevHash: originals[38]!.hash,
        };
        const rewritten = [
          ...originals.slice(0, 39),
          forged,
          ...originals.slice(39).map((e) => ({ ...e, _id: (e._id as unknown as number) + 1 })),
        ];
        for (let i = 39; i < rewritten.length; i++) {
          const entry = rewritten[i]! as Record<string, any>;
          entry.prevHash = (rewritten[i - 1] as Record<string, any>).hash;
          entry.hash = entryHash({ ...entry, seq: entry._id } as never);
        }
        await entries().deleteMany({ _id: { $gte: 40 } as never });
        await entries().insertMany(rewritten.slice(39) as never[]);
        return async () => {
          await entries().deleteMany({ _id: { $gte: 40 } as never });
          await entries().insertMany(originals.slice(39));
        };
      });
      expect(result.valid).toBe(false);
      expect(result.problems.some((p) => p.problem === 'checkpoint_mismatch')).toBe(true);
    });

    it('a truncated tail', async () => {
      const result = await tamperAndVerify(async () => {
        const tail = await entries()
          .find({ _id: { $gt: 100 } as never })
          .toArray();
        await entries().deleteMany({ _id: { $gt: 100 } as never });
        return async () => void (await entries().insertMany(tail));
      });
      expect(result.problems.some((p) => p.problem === 'truncated')).toBe(true);
    });
  });
});
