// Verifies the whole audit log from its entries alone: the hash chain, every entry's Merkle leaf, a signed checkpoint
// at every required position, each checkpoint's root against the tree recomputed at its size (so consecutive
// checkpoints are consistent: both are prefixes of the one recomputed tree), the legacy chain checkpoints, and the
// newest checkpoint recorded in the anchor file outside the database. Reads only; never signs anything.
import { compactVerify, importJWK, type JWK } from 'jose';
import { checkChain, checkCheckpoints, entryLeaf, type ChainEntry, type ChainProblem } from './audit-chain.js';
import type { AuditCheckpointDocument, SignedCheckpointDocument } from './audit.model.js';
import { appendLeaf, emptyRange, rangeRoot } from './domain/compact-range.js';
import { parseCheckpoint, verifyNote } from './domain/signed-note.js';

export interface VerifierInput {
  entries: AsyncIterable<ChainEntry & { hash: string; leaf?: string | undefined }>;
  signed: readonly Omit<SignedCheckpointDocument, 'frontier'>[];
  legacy: readonly AuditCheckpointDocument[];
  verifier: string;
  origin: string;
  legacyKey: JWK;
  checkpointEvery: number;
  /** The newest checkpoint this instance signed, from the anchor file. */
  anchored: { size: number; note: string } | undefined;
}

export interface TreeVerification {
  count: number;
  root: string;
  problems: ChainProblem[];
}

/** Walks the entries once (O(n) time, O(log n) memory besides the checkpoints) and lists every problem found. */
export async function verifyAuditTree(input: VerifierInput): Promise<TreeVerification> {
  const problems: ChainProblem[] = [];
  const wanted = new Set(input.signed.map((c) => c._id));
  const roots = new Map<number, string>();
  let range = emptyRange();
  const tapped = (async function* () {
    for await (const entry of input.entries) {
      const leaf = entryLeaf(entry);
      if (entry.leaf !== undefined && leaf !== entry.leaf) problems.push({ seq: entry.seq, problem: 'leaf_mismatch' });
      range = appendLeaf(range, Buffer.from(leaf, 'hex'));
      if (wanted.has(range.size)) roots.set(range.size, rangeRoot(range).toString('base64'));
      yield entry;
    }
  })();
  const chain = await checkChain(tapped);
  problems.push(...chain.problems);
  problems.push(...checkSignedCheckpoints(input, chain.count, roots));
  problems.push(...(await checkLegacyCheckpoints(input, chain)));
  problems.sort((a, b) => a.seq - b.seq);
  return { count: chain.count, root: rangeRoot(range).toString('hex'), problems };
}

function checkSignedCheckpoints(input: VerifierInput, count: number, roots: Map<number, string>): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const bySize = new Map(input.signed.map((c) => [c._id, c]));
  for (let size = input.checkpointEvery; size <= count; size += input.checkpointEvery) {
    if (!bySize.has(size)) problems.push({ seq: size, problem: 'checkpoint_missing' });
  }
  for (const checkpoint of input.signed) {
    const text = verifyNote(checkpoint.note, input.verifier)?.text;
    const body = text === undefined ? null : parseCheckpoint(text);
    if (!body || body.origin !== input.origin || body.size !== checkpoint._id) {
      problems.push({ seq: checkpoint._id, problem: 'checkpoint_signature_invalid' });
    } else if (body.size > count) {
      problems.push({ seq: body.size, problem: 'truncated' });
    } else if (roots.get(body.size) !== body.root.toString('base64')) {
      problems.push({ seq: body.size, problem: 'checkpoint_mismatch' });
    }
  }
  const anchored = input.anchored;
  if (anchored) {
    if (anchored.size > count) problems.push({ seq: anchored.size, problem: 'truncated' });
    if (bySize.get(anchored.size)?.note !== anchored.note) {
      problems.push({ seq: anchored.size, problem: 'anchored_checkpoint_missing' });
    }
  }
  return problems;
}

/** The chain checkpoints written before migration 0005 (compact JWS over {seq, hash}), checked as before. */
async function checkLegacyCheckpoints(
  input: VerifierInput,
  chain: { count: number; hashes: ReadonlyMap<number, string> },
): Promise<ChainProblem[]> {
  if (input.legacy.length === 0) return [];
  const problems: ChainProblem[] = [];
  const key = await importJWK(input.legacyKey, 'EdDSA');
  const genuine: { seq: number; hash: string }[] = [];
  for (const checkpoint of input.legacy) {
    const payload = await compactVerify(checkpoint.jws, key).catch(() => null);
    const signed = payload
      ? (JSON.parse(new TextDecoder().decode(payload.payload)) as { seq: number; hash: string })
      : null;
    if (!signed || signed.seq !== checkpoint._id || signed.hash !== checkpoint.hash) {
      problems.push({ seq: checkpoint._id, problem: 'checkpoint_signature_invalid' });
    } else genuine.push(signed);
  }
  return [...problems, ...checkCheckpoints(chain, genuine)];
}
