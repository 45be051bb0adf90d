// Argon2id password hashing in a small pool of worker threads, so logins never block other requests.
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Hashes and verifies passwords; implementations must be slow by design and run off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the same time as a real verification, for unknown accounts (no timing oracle). */
  verifyAgainstDummy(password: string): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Starts `size` Argon2id workers; opsLimit/memLimit default to libsodium's INTERACTIVE profile (2 passes, 64 MiB). */
export async function createPasswordHasher(options: { size?: number } = {}): Promise<PasswordHasher> {
  const size = Math.max(1, options.size ?? 2);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let turn = 0;
  const workers = await Promise.all(Array.from({ length: size }, () => startWorker(pending)));

  function call(message: Record<string, unknown>): Promise<unknown> {
    const id = nextId++;
    const worker = workers[turn++ % workers.length]!;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  const dummyHash = (await call({ op: 'hash', password: randomBytes(24).toString('base64') })) as string;

  return {
    async hash(password) {
      return (await call({ op: 'hash', password })) as string;
    },
    async verify(password, hash) {
      try {
        return (await call({ op: 'verify', password, hash })) as boolean;
      } catch {
        return false;
      }
    },
    async verifyAgainstDummy(password) {
      await call({ op: 'verify', password, hash: dummyHash }).catch(() => false);
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      for (const p of pending.values()) p.reject(new Error('password hasher closed'));
      pending.clear();
    },
  };
}

function startWorker(pending: Map<number, Pending>): Promise<Worker> {
  const worker = new Worker(new URL('./password-worker.mjs', import.meta.url));
  worker.unref();
  return new Promise((resolve, reject) => {
    worker.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) {
        resolve(worker);
        return;
      }
      const entry = pending.get(message.id!);
      if (!entry) return;
      pending.delete(message.id!);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
    });
    worker.once('error', reject);
  });
}
