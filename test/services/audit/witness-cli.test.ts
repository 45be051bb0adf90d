// `npm run coop -- witness <url>` as anyone would run it: over HTTP only, with a state file of its own. It cosigns a
// consistent log (a cosignature that verifies with the witness's key), and exits 1 with an alarm after a rewrite.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedNote, witnessPublicKey, type WitnessState } from '../../../services/audit/index.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

let app: TestApp;
const state = join(tmpdir(), 'datacoop-test', `witness-${randomUUID()}.json`);

beforeAll(async () => {
  app = await createTestApp();
  for (let i = 0; i < 20; i++) await app.services.audit.append('test.event', 'system', { i }, new Date());
  await app.services.audit.checkpointNow(new Date());
});
afterAll(() => app.close());

/** Runs the witness without a database in its environment (it needs none); resolves with its exit and output. */
function witness(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli.ts', 'witness', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

describe('npm run coop -- witness', () => {
  it('cosigns the checkpoint with the given key, then a grown log, and refuses a wrong key', async () => {
    const key = app.services.audit.verifierKey;
    const first = await witness(app.baseUrl, '--key', key, '--state', state, '--name', 'witness.test/w1');
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toContain('Cosigned datacoop.local/audit at size');

    const saved = JSON.parse(readFileSync(state, 'utf8')) as WitnessState;
    const log = saved.logs['datacoop.local/audit']!;
    const text = signedNote.verifyNote(log.note, key)!.text;
    expect(signedNote.verifyCosignature(log.cosignature, text, 'witness.test/w1', witnessPublicKey(saved))).toBe(true);
    expect(
      signedNote.verifyCosignature(
        log.cosignature,
        text.replace(/\n\d+\n/, '\n1\n'),
        'witness.test/w1',
        witnessPublicKey(saved),
      ),
    ).toBe(false);

    for (let i = 0; i < 5; i++) await app.services.audit.append('test.more', 'system', { i }, new Date());
    await app.services.audit.checkpointNow(new Date());
    const grown = await witness(app.baseUrl, '--state', state);
    expect(grown.code, grown.stdout).toBe(0);
    expect(grown.stdout).toMatch(/consistent with size \d+/);

    const wrongKey = key.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    const refused = await witness(app.baseUrl, '--key', wrongKey, '--state', state);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('WITNESS ALARM');
  });

  it('exits 1 with an alarm after the log was cut on the database', async () => {
    const db = app.connection.db!;
    await db.collection('audit_log').deleteMany({ _id: { $gt: 10 } as never });
    await db.collection('audit_signed_checkpoints').deleteMany({ _id: { $gt: 10 } as never });
    const alarmed = await witness(app.baseUrl, '--state', state);
    expect(alarmed.code).toBe(1);
    expect(alarmed.stdout).toMatch(/WITNESS ALARM: the log shrank from \d+ to \d+ entries/);
  });

  it('refuses bad arguments with exit 2', async () => {
    expect((await witness()).code).toBe(2);
    expect((await witness('not-a-url')).code).toBe(2);
  });
});
