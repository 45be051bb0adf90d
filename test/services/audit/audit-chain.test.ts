// Property tests: any single mutation of the audit log (edit, delete, reorder, insert, truncate) is detected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkChain,
  checkCheckpoints,
  entryHash,
  GENESIS_HASH,
  type ChainEntry,
} from '../../../services/audit/audit-chain.js';

type Entry = ChainEntry & { hash: string };
const CHECKPOINT_EVERY = 16;

/** A valid chain of `n` entries, as the service appends them. */
function buildChain(n: number): Entry[] {
  const entries: Entry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      type: 'test',
      actor: 'system',
      data: { seq },
      prevHash,
    };
    const hash = entryHash(entry);
    entries.push({ ...entry, hash });
    prevHash = hash;
  }
  return entries;
}

/** Re-hashes every entry from `from` on, as an attacker with write access to the database could. */
function rehashFrom(entries: Entry[], from: number): Entry[] {
  const result = entries.map((e) => ({ ...e }));
  for (let i = from; i < result.length; i++) {
    const entry = result[i]!;
    entry.seq = i + 1;
    entry.prevHash = i === 0 ? GENESIS_HASH : result[i - 1]!.hash;
    entry.hash = entryHash(entry);
  }
  return result;
}

/** Signed checkpoints as the service keeps them: every 16 entries and at the end (after each verification). */
function checkpointsOf(entries: Entry[]) {
  const positions = new Set(entries.filter((e) => e.seq % CHECKPOINT_EVERY === 0).map((e) => e.seq));
  if (entries.length > 0) positions.add(entries.length);
  return [...positions].map((seq) => ({ seq, hash: entries[seq - 1]!.hash }));
}

async function problemsOf(entries: Entry[], checkpoints: { seq: number; hash: string }[]) {
  const chain = await checkChain(
    (async function* () {
      for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) yield entry;
    })(),
  );
  return [...chain.problems, ...checkCheckpoints(chain, checkpoints)];
}

const mutations = ['edit', 'delete', 'reorder', 'insert', 'truncate', 'rewrite-edit'] as const;

describe('audit chain', () => {
  it('finds no problem in an untouched chain', async () => {
    const entries = buildChain(50);
    expect(await problemsOf(entries, checkpointsOf(entries))).toEqual([]);
  });

  it('detects every single mutation at any position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 60 }),
        fc.nat(),
        fc.constantFrom(...mutations),
        async (length, at, mutation) => {
          const original = buildChain(length);
          const checkpoints = checkpointsOf(original);
          const i = at % length;
          let tampered: Entry[];
          switch (mutation) {
            case 'edit': // change a field without fixing the hash
              tampered = original.map((e, k) => (k === i ? { ...e, data: { seq: e.seq, forged: true } } : e));
              break;
            case 'delete':
              tampered = original.filter((_, k) => k !== i);
              break;
            case 'reorder': {
              // swap the contents of two neighbouring positions, keeping the positions
              const j = i === length - 1 ? i - 1 : i + 1;
              tampered = original.map((e, k) =>
                k === i ? { ...original[j]!, seq: e.seq } : k === j ? { ...original[i]!, seq: e.seq } : e,
              );
              break;
            }
            case 'insert': {
              // a forged entry at position i + 1, the rest shifted and re-hashed consistently
              const forged = { ...original[i]!, type: 'forged', data: {} };
              tampered = rehashFrom([...original.slice(0, i), forged, ...original.slice(i)], i);
              break;
            }
            case 'truncate':
              tampered = original.slice(0, i === 0 ? length - 1 : i);
              break;
            case 'rewrite-edit':
              // edit an entry and re-hash everything after it, so the chain itself is consistent again
              tampered = rehashFrom(
                original.map((e, k) => (k === i ? { ...e, data: { forged: true } } : e)),
                i,
              );
              break;
          }
          expect((await problemsOf(tampered, checkpoints)).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 600 },
    );
  });
});
