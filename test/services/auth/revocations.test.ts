// The revocation list against the real database: what it refuses, what it leaves alone, and that it stays small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { Revocations } from '../../../services/auth/revocations.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

const LIFETIME_MS = 660_000;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let connection: Connection;
let revocations: Revocations;

beforeAll(async () => {
  db = await connectTestDatabase();
  connection = db.connection;
  revocations = new Revocations(connection, LIFETIME_MS);
});
afterAll(() => db.dropAndClose());

const t0 = new Date('2026-11-29T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const token = (userId: string, sessionId: string, stateAtMs: number) => ({
  userId,
  sessionId,
  stateAt: t0.getTime() + stateAtMs,
});

describe('Revocations', () => {
  it('refuses every token of an ended session, whatever its state time, and no other session', async () => {
    await revocations.endSession('s-1', t0);
    expect(await revocations.isRevoked(token('u-1', 's-1', 0), t0)).toBe(true);
    expect(await revocations.isRevoked(token('u-1', 's-1', 500_000), at(500_000))).toBe(true);
    expect(await revocations.isRevoked(token('u-1', 's-2', 0), t0)).toBe(false);
  });

  it('refuses tokens whose account state was read at or before a change, and accepts later ones', async () => {
    await revocations.accountChanged('u-2', at(1_000));
    expect(await revocations.isRevoked(token('u-2', 's-3', 999), at(1_001))).toBe(true);
    expect(await revocations.isRevoked(token('u-2', 's-3', 1_000), at(1_001))).toBe(true);
    expect(await revocations.isRevoked(token('u-2', 's-3', 1_001), at(1_001))).toBe(false);
    expect(await revocations.isRevoked(token('u-3', 's-3', 0), at(1_001))).toBe(false);
  });

  it('covers every token an erased account could hold', async () => {
    await revocations.accountEnded('u-4', t0);
    expect(await revocations.isRevoked(token('u-4', 's-4', 0), t0)).toBe(true);
    expect(await revocations.isRevoked(token('u-4', 's-5', LIFETIME_MS - 1), at(LIFETIME_MS - 1))).toBe(true);
  });

  it('answers many concurrent checks (read together) each with its own answer', async () => {
    const ended = Array.from({ length: 50 }, (_, i) => `batch-ended-${i}`);
    await Promise.all(ended.map((sessionId) => revocations.endSession(sessionId, t0)));
    const checks = Array.from({ length: 400 }, (_, i) =>
      token(`batch-u-${i}`, `batch-${i % 2 ? 'ended' : 'live'}-${i % 50}`, 0),
    );
    const answers = await Promise.all(checks.map((check) => revocations.isRevoked(check, t0)));
    expect(answers).toEqual(checks.map((check) => check.sessionId.startsWith('batch-ended-')));
  });

  it('sweeps records once no token they concern can still be valid', async () => {
    const records = connection.collection('revocations');
    const before = await records.countDocuments();
    expect(before).toBeGreaterThan(0);
    // A check far enough in the future triggers the sweep (at most once a minute per process).
    await revocations.isRevoked(token('u-9', 's-9', 0), at(3 * LIFETIME_MS));
    await expect.poll(() => records.countDocuments(), { timeout: 5_000 }).toBe(0);
  });
});
