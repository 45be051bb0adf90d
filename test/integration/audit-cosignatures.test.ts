// Witnesses' cosignatures published beside the checkpoints: a listed witness posts its cosignature and every visitor
// then sees it with the latest checkpoint; an unlisted witness, a forged or altered line, a cosignature of a
// checkpoint the log never signed (what a witness shown a split view would hold) are refused and nothing is kept.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCosignature, signedNote, witnessOnce, type WitnessState } from '../../services/audit/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

function newWitness(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
  const state: WitnessState = {
    witness: { name, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') },
    logs: {},
  };
  return { name, privateKey, raw, state, key: signedNote.witnessKey(name, raw) };
}

const listed = newWitness('witness.test/listed');
const second = newWitness('witness.test/second');
const stranger = newWitness('witness.test/stranger');
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ DATACOOP_AUDIT_WITNESSES: `${listed.key}, ${second.key}` });
  for (let i = 0; i < 20; i++) await app.services.audit.append('test.event', 'system', { i }, new Date());
  await app.services.audit.checkpointNow(new Date());
});
afterAll(() => app.close());

const latest = async () => (await app.request('GET', '/api/public/audit/checkpoint')).body;
const post = (body: unknown) => app.request('POST', '/api/public/audit/cosignatures', { body });

describe('witness cosignatures', () => {
  it('publishes a listed witness cosignature with the latest checkpoint, once, for anyone to read', async () => {
    const before = await latest();
    expect(before.witnesses).toEqual([listed.key, second.key]);
    expect(before.cosignatures).toEqual([]);

    const { result } = await witnessOnce(app.baseUrl, listed.state, { now: new Date() });
    expect(await publishCosignature(app.baseUrl, result)).toEqual({ status: 201 });
    // A replay (or a second round at another time) keeps the first cosignature.
    const again = await witnessOnce(app.baseUrl, listed.state, { now: new Date(Date.now() + 5_000) });
    expect((await publishCosignature(app.baseUrl, again.result)).status).toBe(201);

    const after = await latest();
    expect(after.cosignatures).toEqual([{ witness: listed.name, line: result.cosignature }]);
    const text = signedNote.splitNote(after.checkpoint.note)!.text;
    expect(signedNote.verifyCosignature(after.cosignatures[0].line, text, listed.name, listed.raw)).toBe(true);

    // The second witness sees the first one's cosignature over the very checkpoint it was served.
    const { result: seen } = await witnessOnce(app.baseUrl, second.state, { now: new Date() });
    expect(seen.alsoCosignedBy).toEqual([listed.name]);
  });

  it('refuses a witness the cooperative does not list', async () => {
    const { result } = await witnessOnce(app.baseUrl, stranger.state, { now: new Date() });
    expect(await publishCosignature(app.baseUrl, result)).toEqual({ status: 403, code: 'witness_unknown' });
    expect((await latest()).cosignatures.map((c: { witness: string }) => c.witness)).not.toContain(stranger.name);
  });

  it('refuses a cosignature that does not verify: altered, or over another checkpoint of the same size', async () => {
    const checkpoint = (await latest()).checkpoint as { size: number; note: string };
    const text = signedNote.splitNote(checkpoint.note)!.text;
    const time = Math.floor(Date.now() / 1000);
    const line = (over: string) =>
      signedNote.cosignatureLine(
        second.name,
        second.raw,
        time,
        sign(null, signedNote.cosignedMessage(over, time), second.privateKey),
      );
    // A split view: the witness was shown a checkpoint of this size with another root, and cosigned that.
    const forkedText = text.replace(/\n([A-Za-z0-9+/=]{44})\n$/, `\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    expect(forkedText).not.toBe(text);
    const forked = await post({ size: checkpoint.size, cosignature: line(forkedText) });
    expect(forked.status).toBe(400);
    expect(forked.body.error.code).toBe('cosignature_invalid');

    const good = line(text);
    // One base64 character of the signature changed (well inside it, not in the padding bits).
    const at = good.length - 20;
    const flipped = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
    expect((await post({ size: checkpoint.size, cosignature: flipped })).body.error.code).toBe('cosignature_invalid');
    expect((await post({ size: checkpoint.size, cosignature: 'not a line' })).body.error.code).toBe(
      'cosignature_invalid',
    );
    expect((await latest()).cosignatures.map((c: { witness: string }) => c.witness)).not.toContain(second.name);

    // The genuine cosignature of the same witness is then accepted.
    expect((await post({ size: checkpoint.size, cosignature: good })).status).toBe(201);
  });

  it('refuses a checkpoint size the log never signed, and malformed bodies, with 4xx and a stable code', async () => {
    const { result } = await witnessOnce(app.baseUrl, listed.state, { now: new Date() });
    const unknown = await post({ size: result.size + 3, cosignature: result.cosignature });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('checkpoint_unknown');
    for (const body of [{}, { size: 'x', cosignature: 'y' }, { size: 1, cosignature: 'x'.repeat(301) }, { size: 1 }]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('stops the service at start-up on a witness key that is not one', async () => {
    await expect(createTestApp({ DATACOOP_AUDIT_WITNESSES: 'witness.test/x+00000000+AAAA' })).rejects.toThrow(
      /DATACOOP_AUDIT_WITNESSES/,
    );
  });
});
