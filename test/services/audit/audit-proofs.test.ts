// Proofs over HTTP: a member's own audit entries each come with an inclusion proof against the latest signed
// checkpoint; anyone may fetch checkpoints and consistency proofs; a bad range is a 400 with a code and a field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merkle, signedNote } from '../../../services/audit/index.js';
import { registerAndLogin, type BuiltAccount } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

let app: TestApp;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp({ DATACOOP_AUDIT_CHECKPOINT_EVERY: '4' });
  member = await registerAndLogin(app);
  for (let i = 0; i < 9; i++) await app.services.audit.append('test.event', 'system', { i }, new Date());
  await app.services.audit.append('test.about', 'system', { memberId: member.id }, new Date());
  await app.services.audit.checkpointNow(new Date());
});
afterAll(() => app.close());

const b64 = (text: string) => Buffer.from(text, 'base64');

async function latest() {
  const response = await app.request('GET', '/api/public/audit/checkpoint');
  expect(response.status).toBe(200);
  const text = signedNote.verifyNote(response.body.checkpoint.note, response.body.verifierKey)!.text;
  return signedNote.parseCheckpoint(text)!;
}

describe('inclusion proofs for a member', () => {
  it('proves each of the member’s own entries against the latest signed checkpoint', async () => {
    const response = await app.request('GET', '/api/me/audit-entries', { token: member.accessToken });
    expect(response.status).toBe(200);
    const { entries, checkpoint } = response.body;
    const signed = await latest();
    expect(checkpoint.size).toBe(signed.size);
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) {
      const { leafIndex, leaf, auditPath } = entry.proof;
      expect(leafIndex).toBe(entry.seq - 1);
      expect(merkle.verifyInclusion(b64(leaf), leafIndex, signed.size, auditPath.map(b64), signed.root)).toBe(true);
      // The proof does not prove another leaf.
      expect(
        merkle.verifyInclusion(
          merkle.leafHash(Buffer.from('x')),
          leafIndex,
          signed.size,
          auditPath.map(b64),
          signed.root,
        ),
      ).toBe(false);
    }
  });

  it('gives an entry newer than the checkpoint no proof (null), never a proof against an unsigned root', async () => {
    // Other parts of the service append in the background (mail, notifications), and every 4th entry signs a
    // checkpoint, so a fresh entry may already be covered: check the rule on every answer, and see it null at least once.
    let sawNull = false;
    for (let attempt = 0; attempt < 8 && !sawNull; attempt++) {
      await app.services.audit.append('test.newer', 'system', { memberId: member.id, attempt }, new Date());
      const response = await app.request('GET', '/api/me/audit-entries', { token: member.accessToken });
      const { entries, checkpoint } = response.body;
      const newest = entries[0];
      expect(newest.type).toBe('test.newer');
      if (newest.seq > checkpoint.size) {
        expect(newest.proof).toBeNull();
        sawNull = true;
      } else {
        // Covered: the proof holds against the signed checkpoint the answer names.
        const key = (await app.request('GET', '/api/public/audit/checkpoint')).body.verifierKey;
        const signed = signedNote.parseCheckpoint(signedNote.verifyNote(checkpoint.note, key)!.text)!;
        const { leafIndex, leaf, auditPath } = newest.proof;
        expect(signed.size).toBeGreaterThanOrEqual(newest.seq);
        expect(merkle.verifyInclusion(b64(leaf), leafIndex, signed.size, auditPath.map(b64), signed.root)).toBe(true);
      }
    }
    expect(sawNull).toBe(true);
  });

  it('is for signed-in members and researchers only', async () => {
    expect((await app.request('GET', '/api/me/audit-entries')).status).toBe(401);
  });
});

describe('consistency proofs, for anyone', () => {
  it('proves every earlier checkpoint a prefix of the latest', async () => {
    const signed = await latest();
    const list = await app.request('GET', '/api/audit/checkpoints?limit=1000');
    for (const checkpoint of list.body.checkpoints) {
      const old = signedNote.parseCheckpoint(signedNote.verifyNote(checkpoint.note, list.body.verifierKey)!.text)!;
      const response = await app.request('GET', `/api/public/audit/consistency?from=${old.size}&to=${signed.size}`);
      expect(response.status).toBe(200);
      const proof = response.body.proof.map(b64);
      expect(merkle.verifyConsistency(old.size, signed.size, old.root, signed.root, proof)).toBe(true);
    }
  });

  it.each([
    ['from=5&to=4', 'from'],
    ['from=1&to=100000', 'to'],
  ])('refuses %s with proof_out_of_range on %s', async (query, field) => {
    const response = await app.request('GET', `/api/public/audit/consistency?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('proof_out_of_range');
    expect(response.body.error.details[0].field).toBe(field);
  });

  it.each(['from=0&to=4', 'from=a&to=4', 'to=4', 'from=1&to=4&extra=1'])(
    'refuses a malformed query %s with 400',
    async (query) => {
      const response = await app.request('GET', `/api/public/audit/consistency?${query}`);
      expect(response.status).toBe(400);
    },
  );
});
