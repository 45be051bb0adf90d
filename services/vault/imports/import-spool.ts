// An import body spooled to a temporary file under a hard size limit, with its keyed fingerprint: parsed twice from
// disk (check, then store) and always deleted afterwards, whatever happens.
import { createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, PayloadTooLarge } from '../../errors.js';

export interface SpooledFile {
  path: string;
  bytes: number;
  /** HMAC-SHA256 of the bytes under the member's key: compares a retry's body without keeping it. */
  fingerprint: string;
}

const SPOOL_PREFIX = 'datacoop-import-';
/** Older than this, a spool folder is left over by a process that died mid-import (an import never runs this long). */
export const STALE_SPOOL_MS = 6 * 3_600_000;

/**
 * Deletes the spool folders under `dir` that a killed process left behind (older than `STALE_SPOOL_MS`, so an
 * import still running in another instance on the same machine keeps its file); returns how many went.
 */
export async function sweepStaleSpools(dir: string, now: Date): Promise<number> {
  let swept = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory() || now.getTime() - info.mtimeMs < STALE_SPOOL_MS) continue;
    await rm(path, { recursive: true, force: true });
    swept += 1;
  }
  return swept;
}

/** Writes `body` to a fresh file under `dir`, refusing more than `limitBytes`; runs `use`, then deletes it. */
export async function withSpooledBody<T>(
  body: Readable,
  options: { dir: string; limitBytes: number; fingerprintKey: Buffer },
  use: (file: SpooledFile) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(options.dir, SPOOL_PREFIX));
  try {
    const path = join(folder, 'body');
    const hmac = createHmac('sha256', options.fingerprintKey);
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > options.limitBytes) return done(bodyTooLarge(options.limitBytes));
        hmac.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(body, limit, createWriteStream(path, { mode: 0o600 }));
    return await use({ path, bytes, fingerprint: hmac.digest('hex') });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** 413 while streaming: the rest of the body is not read, so the connection is closed rather than reused. */
function bodyTooLarge(limitBytes: number): AppError {
  const { status, code, message } = new PayloadTooLarge(limitBytes);
  return new AppError(status, code, message, undefined, { Connection: 'close' });
}
