// Argon2id password hashing in a small pool of worker threads, so logins never block other requests.
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Hashes and verifies passwords; implementations must be slow by design and run off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the same time as a real verification, for unknown accounts (no timing oracle). */
  verifyAgainstDummy(password: string): Promise<void>;
  /** How many worker threads are running now (they stop when idle). */
  runningWorkers(): number;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** One started worker thread and the calls waiting for it. */
interface Running {
  worker: Promise<Worker>;
  pending: Map<number, Pending>;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A place in the pool: empty, or holding a running worker. */
interface Slot {
  running: Running | undefined;
}

/**
 * Runs Argon2id (libsodium's INTERACTIVE profile: 2 passes, 64 MiB) in up to `size` worker threads. A worker is
 * started when work arrives and stopped after `idleMs` without any: each one keeps a 64 MiB WebAssembly heap that
 * never shrinks, so idle workers would hold the service's memory high for nothing.
 */
export async function createPasswordHasher(options: { size?: number; idleMs?: number } = {}): Promise<PasswordHasher> {
  const size = Math.max(1, options.size ?? 2);
  const idleMs = options.idleMs ?? 30_000;
  const slots: Slot[] = Array.from({ length: size }, () => ({ running: undefined }));
  let nextId = 1;
  let closed = false;

  const load = (slot: Slot) => slot.running?.pending.size ?? 0;

  function start(slot: Slot): Running {
    const running: Running = { worker: startWorker(), pending: new Map(), idleTimer: undefined };
    const failAll = (error: Error) => {
      for (const p of running.pending.values()) p.reject(error);
      running.pending.clear();
    };
    running.worker.then(
      (worker) => {
        worker.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
          const entry = running.pending.get(message.id!);
          if (!entry) return;
          if (message.error !== undefined) entry.reject(new Error(message.error));
          else entry.resolve(message.result);
        });
        worker.once('error', failAll);
        worker.once('exit', () => {
          if (slot.running === running) slot.running = undefined;
          failAll(new Error('password worker stopped'));
        });
      },
      (error: Error) => {
        if (slot.running === running) slot.running = undefined;
        failAll(error);
      },
    );
    return running;
  }

  function stopWhenIdle(slot: Slot, running: Running): void {
    if (running.pending.size > 0 || slot.running !== running) return;
    running.idleTimer = setTimeout(() => {
      if (running.pending.size > 0 || slot.running !== running) return;
      slot.running = undefined;
      void running.worker.then((w) => w.terminate()).catch(() => {});
    }, idleMs);
    running.idleTimer.unref();
  }

  async function call(message: Record<string, unknown>): Promise<unknown> {
    if (closed) throw new Error('password hasher closed');
    // The least busy slot; at equal load a running worker is preferred over starting another thread.
    const slot = slots.reduce((best, s) =>
      load(s) < load(best) || (load(s) === load(best) && s.running && !best.running) ? s : best,
    );
    const running = (slot.running ??= start(slot));
    clearTimeout(running.idleTimer);
    const id = nextId++;
    const { promise: result, resolve, reject } = Promise.withResolvers();
    running.pending.set(id, { resolve, reject });
    try {
      (await running.worker).postMessage({ id, ...message });
      return await result;
    } finally {
      running.pending.delete(id);
      stopWhenIdle(slot, running);
    }
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
    runningWorkers() {
      return slots.filter((s) => s.running).length;
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const running = slot.running;
          slot.running = undefined;
          if (!running) return;
          clearTimeout(running.idleTimer);
          for (const p of running.pending.values()) p.reject(new Error('password hasher closed'));
          running.pending.clear();
          await (await running.worker.catch(() => undefined))?.terminate();
        }),
      );
    },
  };
}

/** Starts one Argon2id worker and resolves once libsodium is ready in it. */
function startWorker(): Promise<Worker> {
  const worker = new Worker(new URL('./password-worker.mjs', import.meta.url));
  worker.unref();
  return new Promise((resolve, reject) => {
    const onReady = (message: { ready?: boolean }) => {
      if (!message.ready) return;
      worker.off('message', onReady);
      resolve(worker);
    };
    worker.on('message', onReady);
    worker.once('error', reject);
  });
}
