import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKey, MasterKeyError } from '../../../services/crypto/master-key.js';

const folder = () => mkdtempSync(join(tmpdir(), 'datacoop-key-'));

describe('loadMasterKey', () => {
  it('creates a 0600 key file on first run, says so loudly, and reads the same key later', () => {
    const path = join(folder(), 'data', 'master.key');
    const warnings: string[] = [];
    const key = loadMasterKey({ source: 'file', path, createIfMissing: true }, (m) => warnings.push(m));
    expect(key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warnings.join()).toMatch(/NEW MASTER KEY/);
    expect(warnings.join()).not.toContain(key.toString('base64'));
    expect(loadMasterKey({ source: 'file', path, createIfMissing: true }, () => {}).equals(key)).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(key.toString('base64'));
  });

  it('refuses a missing file when it may not create one, and a short key', () => {
    const dir = folder();
    expect(() =>
      loadMasterKey({ source: 'file', path: join(dir, 'none.key'), createIfMissing: false }, () => {}),
    ).toThrow(MasterKeyError);
    const short = join(dir, 'short.key');
    writeFileSync(short, Buffer.alloc(16).toString('base64'), { mode: 0o600 });
    expect(() => loadMasterKey({ source: 'file', path: short, createIfMissing: false }, () => {})).toThrow(/32 bytes/);
  });
});
