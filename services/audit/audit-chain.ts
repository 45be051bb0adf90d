// The hash chain itself: how an entry's hash is computed, and how a chain is checked. No I/O.
import { canonicalJson, sha256Hex } from '../../policies/shared/canonical-digest.js';
import { leafHash } from './domain/merkle-tree.js';

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainEntry {
  seq: number;
  at: Date;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  prevHash: string;
}

/** The entry's bytes: the canonical JSON of everything in it except its own hash (also the Merkle leaf's input). */
export function entryBytes(entry: ChainEntry): Buffer {
  const { seq, type, actor, data, prevHash } = entry;
  return Buffer.from(canonicalJson({ seq, at: entry.at.toISOString(), type, actor, data, prevHash }), 'utf8');
}

/** SHA-256 over the entry's bytes: its link in the hash chain. */
export function entryHash(entry: ChainEntry): string {
  return sha256Hex(entryBytes(entry));
}

/** The entry's Merkle leaf, hex: SHA-256(0x00 ‖ entry bytes). */
export function entryLeaf(entry: ChainEntry): string {
  return leafHash(entryBytes(entry)).toString('hex');
}

/** What a check found wrong at a position of the chain. */
export interface ChainProblem {
  seq: number;
  problem:
    | 'missing_entry'
    | 'hash_mismatch'
    | 'broken_link'
    | 'checkpoint_mismatch'
    | 'checkpoint_signature_invalid'
    | 'truncated'
    | 'leaf_mismatch'
    | 'checkpoint_missing'
    | 'anchored_checkpoint_missing';
}

/**
 * Walks entries in position order and reports every edited (hash_mismatch), removed (missing_entry),
 * reordered or inserted (broken_link / hash_mismatch) entry. Returns the hashes by position for checkpoint checks.
 */
export async function checkChain(
  entries: AsyncIterable<ChainEntry & { hash: string }>,
): Promise<{ count: number; problems: ChainProblem[]; hashes: Map<number, string> }> {
  const problems: ChainProblem[] = [];
  const hashes = new Map<number, string>();
  let expectedSeq = 1;
  let previous = GENESIS_HASH;
  for await (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      problems.push({ seq: expectedSeq, problem: 'missing_entry' });
      expectedSeq = entry.seq;
    }
    if (entry.prevHash !== previous) problems.push({ seq: entry.seq, problem: 'broken_link' });
    if (entryHash(entry) !== entry.hash) problems.push({ seq: entry.seq, problem: 'hash_mismatch' });
    hashes.set(entry.seq, entry.hash);
    previous = entry.hash;
    expectedSeq++;
  }
  return { count: expectedSeq - 1, problems, hashes };
}

/**
 * Compares signed checkpoints ({seq, hash} whose signatures were already verified) with the chain as read:
 * a checkpoint beyond the chain's end means entries were cut off (truncated); a different hash at its position
 * means history before it was rewritten, even consistently (checkpoint_mismatch).
 */
export function checkCheckpoints(
  chain: { count: number; hashes: ReadonlyMap<number, string> },
  checkpoints: readonly { seq: number; hash: string }[],
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const checkpoint of checkpoints) {
    if (checkpoint.seq > chain.count) problems.push({ seq: checkpoint.seq, problem: 'truncated' });
    else if (chain.hashes.get(checkpoint.seq) !== checkpoint.hash) {
      problems.push({ seq: checkpoint.seq, problem: 'checkpoint_mismatch' });
    }
  }
  return problems;
}
