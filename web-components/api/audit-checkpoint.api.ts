// The member's browser as a witness of the audit log: it keeps the latest checkpoint it saw (localStorage) and, on
// each visit, checks that the current one is signed by the same key and that the history it saw is a prefix of the
// current one (an RFC 9162 consistency proof, verified here with WebCrypto). Nothing here trusts the server.
import { toApiError } from './api-error.js';

/** What the browser remembers of a checkpoint: the key that signed it, the tree size and the base64 root. */
export interface SeenCheckpoint {
  verifierKey: string;
  size: number;
  root: string;
}

/** The result of a visit's check; a fork keeps the old checkpoint stored, so the warning stays until explained. */
export type CheckpointCheck =
  | { status: 'first' | 'same' | 'extended' | 'none'; seen: SeenCheckpoint | null }
  | { status: 'fork'; reason: 'key_changed' | 'bad_signature' | 'shrunk' | 'root_changed' | 'inconsistent' };

/** The served checkpoint as GET /api/public/audit/checkpoint returns it. */
export interface ServedCheckpoint {
  verifierKey: string;
  checkpoint: { size: number; root: string; note: string } | null;
}

const STORAGE_KEY = 'datacoop.audit.checkpoint';

/** GET /api/public/audit/checkpoint */
export async function fetchLatestCheckpoint(base = ''): Promise<ServedCheckpoint> {
  const response = await fetch(`${base}/api/public/audit/checkpoint`);
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as ServedCheckpoint;
}

/** GET /api/public/audit/consistency: the proof's base64 hashes. */
export async function fetchConsistencyProof(from: number, to: number, base = ''): Promise<string[]> {
  const response = await fetch(`${base}/api/public/audit/consistency?from=${from}&to=${to}`);
  if (!response.ok) throw await toApiError(response);
  return ((await response.json()) as { proof: string[] }).proof;
}

/** The checkpoint this browser saw last, if any. */
export function loadSeenCheckpoint(storage: Pick<Storage, 'getItem'> = localStorage): SeenCheckpoint | null {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as SeenCheckpoint | null;
    return value && typeof value.size === 'number' ? value : null;
  } catch {
    return null;
  }
}

/** Remembers a checkpoint that passed the check. */
export function saveSeenCheckpoint(seen: SeenCheckpoint, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(seen));
}

/** Checks the served checkpoint against the one seen before; `proof(from, to)` fetches a consistency proof. */
export async function checkCheckpoint(
  seen: SeenCheckpoint | null,
  served: ServedCheckpoint,
  proof: (from: number, to: number) => Promise<string[]>,
): Promise<CheckpointCheck> {
  if (seen && seen.verifierKey !== served.verifierKey) return { status: 'fork', reason: 'key_changed' };
  if (!served.checkpoint) return seen ? { status: 'fork', reason: 'shrunk' } : { status: 'none', seen: null };
  const body = await signedBody(served.checkpoint.note, served.verifierKey);
  if (!body) return { status: 'fork', reason: 'bad_signature' };
  const current = { verifierKey: served.verifierKey, size: body.size, root: body.root };
  if (!seen) return { status: 'first', seen: current };
  if (body.size < seen.size) return { status: 'fork', reason: 'shrunk' };
  if (body.size === seen.size) {
    return body.root === seen.root ? { status: 'same', seen: current } : { status: 'fork', reason: 'root_changed' };
  }
  const hashes = (await proof(seen.size, body.size).catch(() => null))?.map(fromBase64) ?? null;
  const consistent =
    hashes && (await consistent_(seen.size, body.size, fromBase64(seen.root), fromBase64(body.root), hashes));
  return consistent ? { status: 'extended', seen: current } : { status: 'fork', reason: 'inconsistent' };
}

/** The size and root of a checkpoint note whose Ed25519 signature by `verifierKey` verifies; null otherwise. */
async function signedBody(note: string, verifierKey: string): Promise<{ size: number; root: string } | null> {
  // The base64 key may itself contain '+': only the first two separate the fields.
  const [, name, id, key] = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(verifierKey) ?? [];
  const split = note.lastIndexOf('\n\n');
  if (!name || !id || !key || split < 0) return null;
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines[0] !== name || !/^[0-9]+$/.test(lines[1] ?? '') || !lines[2]) return null;
  const signature = note
    .slice(split + 2)
    .split('\n')
    .map((line) => /^\u2014 (\S+) (\S+)$/.exec(line))
    .find((m) => m?.[1] === name);
  const bytes = signature ? fromBase64(signature[2]!) : null;
  const raw = fromBase64(key);
  if (!bytes || bytes.length !== 68 || raw.length !== 33 || hex(bytes.subarray(0, 4)) !== id) return null;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']);
    const ok = await crypto.subtle.verify('Ed25519', publicKey, bytes.slice(4), new TextEncoder().encode(text));
    if (!ok) return null;
  } catch (error) {
    // A browser without Ed25519 in WebCrypto still checks consistency; any other failure is a bad signature.
    if ((error as Error).name !== 'NotSupportedError') return null;
  }
  return { size: Number(lines[1]), root: lines[2] };
}

/** RFC 9162 §2.1.4.2, with SHA-256 from WebCrypto. */
async function consistent_(
  from: number,
  to: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: Uint8Array[],
): Promise<boolean> {
  if (from < 1 || from > to) return false;
  const path = (from & (from - 1)) === 0 ? [oldRoot, ...proof] : proof;
  if (path.length === 0) return false;
  let fn = from - 1;
  let sn = to - 1;
  while (fn & 1) [fn, sn] = [fn >> 1, sn >> 1];
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      [fr, sr] = [await node(c, fr), await node(c, sr)];
      while (!(fn & 1) && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else sr = await node(sr, c);
    [fn, sn] = [fn >> 1, sn >> 1];
  }
  return sn === 0 && hex(fr) === hex(oldRoot) && hex(sr) === hex(newRoot);
}

async function node(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const input = new Uint8Array(1 + left.length + right.length);
  input.set([1]);
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
