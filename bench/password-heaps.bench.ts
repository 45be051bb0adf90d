// Argon2id worker heaps: how many exist, and the process RSS before, during and after they are released when idle.
// Run: node_modules/.bin/node --import tsx bench/password-heaps.bench.ts [pool size, default 2] (one JSON line per step).
import { setTimeout as sleep } from 'node:timers/promises';
import { createPasswordHasher } from '../services/crypto/password-hasher.js';

const mib = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;
const report = (step: string, hasher?: { runningWorkers(): number }) =>
  console.log(
    JSON.stringify({
      step,
      workers: hasher?.runningWorkers() ?? 0,
      rssMiB: mib(process.memoryUsage().rss),
      heapUsedMiB: mib(process.memoryUsage().heapUsed),
    }),
  );

const idleMs = 2_000;
const size = Number(process.argv[2] ?? 2);
report(`before (pool size ${size})`);
const hasher = await createPasswordHasher({ size, idleMs });
report('after start (one dummy hash)', hasher);
await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.hash(`password number ${i}`)));
report('after 8 concurrent hashes', hasher);
// Waits well past the idle time rather than racing it: the measurement is of the settled state.
await sleep(idleMs * 3);
report('idle (workers stopped)', hasher);
await hasher.close();
