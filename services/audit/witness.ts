// A witness of the audit log (`npm run coop -- witness <url>`): fetches the latest checkpoint, checks its signature
// against the pinned verifier key and its consistency with the last checkpoint this witness saw, then cosigns it
// (C2SP tlog-cosignature/v1) and remembers it. Talks to the service over HTTP only, like anyone could.
import { generateKeyPairSync, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeJsonAtomically } from './audit-anchor.js';
import { verifyConsistency } from './domain/merkle-tree.js';
import {
  cosignatureLine,
  cosignedMessage,
  parseCheckpoint,
  parseVerifierKey,
  parseWitnessKey,
  verifyCosignature,
  verifyNote,
  witnessKey,
} from './domain/signed-note.js';

const logStateSchema = z.object({
  verifierKey: z.string(),
  size: z.number().int(),
  note: z.string(),
  cosignature: z.string(),
});
const stateSchema = z.object({
  witness: z.object({ name: z.string(), privateKey: z.string() }),
  logs: z.record(z.string(), logStateSchema),
});
export type WitnessState = z.infer<typeof stateSchema>;

/** A refusal to cosign: a fork, a rollback, a changed key or a bad signature. `message` is one sentence. */
export class WitnessAlarm extends Error {
  override readonly name = 'WitnessAlarm';
}

export interface WitnessResult {
  origin: string;
  size: number;
  previousSize: number | null;
  cosignature: string;
  firstUse: boolean;
  /** Other witnesses the log lists whose published cosignature of this same checkpoint verifies. */
  alsoCosignedBy: string[];
}

/** Reads the witness's state file, or makes a new witness key named `name` if there is none. */
export function loadWitnessState(path: string, name: string): WitnessState {
  if (existsSync(path)) return stateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { witness: { name, privateKey: der.toString('base64') }, logs: {} };
}

/** Saves the state (atomically, readable by its owner only). */
export function saveWitnessState(path: string, state: WitnessState): void {
  writeJsonAtomically(path, state);
}

/** One witnessing round for the log at `baseUrl`; returns the new state, or throws WitnessAlarm. */
export async function witnessOnce(
  baseUrl: string,
  state: WitnessState,
  options: { verifierKey?: string | undefined; now: Date; fetch?: typeof fetch },
): Promise<{ state: WitnessState; result: WitnessResult }> {
  const get = options.fetch ?? fetch;
  const url = baseUrl.replace(/\/+$/, '');
  const served = await getJson(get, `${url}/api/public/audit/checkpoint`);
  // Logs are known by their origin (the key name), not by the address they are reached at.
  const given = options.verifierKey ?? String(served.verifierKey);
  const origin = parseVerifierKey(given)?.name;
  if (!origin) throw new WitnessAlarm(`the verifier key ${given} is not a valid Ed25519 verifier key`);
  const known = state.logs[origin];
  const pinned = options.verifierKey ?? known?.verifierKey ?? given;
  if (known && known.verifierKey !== pinned) {
    throw new WitnessAlarm(
      `the verifier key given (${pinned}) is not the one this witness pinned (${known.verifierKey})`,
    );
  }
  if (served.verifierKey !== pinned) {
    throw new WitnessAlarm(`the log now signs with ${String(served.verifierKey)}, not the pinned key ${pinned}`);
  }
  const checkpoint = served.checkpoint as { note?: unknown } | null;
  if (!checkpoint || typeof checkpoint.note !== 'string') {
    throw new WitnessAlarm(known ? shrank(known.size, 0) : 'the log has no checkpoint yet');
  }
  const text = verifyNote(checkpoint.note, pinned)?.text;
  const body = text === undefined ? null : parseCheckpoint(text);
  if (!text || !body || body.origin !== parseVerifierKey(pinned)!.name) {
    throw new WitnessAlarm('the checkpoint is not signed by the pinned key');
  }
  if (known) {
    const before = parseCheckpoint(verifyNote(known.note, pinned)!.text)!;
    if (body.size < before.size) throw new WitnessAlarm(shrank(before.size, body.size));
    if (body.size === before.size && !body.root.equals(before.root)) {
      throw new WitnessAlarm(`the log at size ${body.size} has a different root than before: a fork`);
    }
    if (body.size > before.size) {
      const proof = await getJson(get, `${url}/api/public/audit/consistency?from=${before.size}&to=${body.size}`);
      const hashes = Array.isArray(proof.proof) ? proof.proof.map((h) => Buffer.from(String(h), 'base64')) : [];
      if (!verifyConsistency(before.size, body.size, before.root, body.root, hashes)) {
        throw new WitnessAlarm(
          `the checkpoint at ${body.size} is not consistent with the one at ${before.size} this witness cosigned: the log's history was rewritten (a fork)`,
        );
      }
    }
  }
  const time = Math.floor(options.now.getTime() / 1000);
  const key: KeyObject = createPrivateKey({
    key: Buffer.from(state.witness.privateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
  const signature = sign(null, cosignedMessage(text, time), key);
  const cosignature = cosignatureLine(state.witness.name, publicKey, time, signature);
  const next: WitnessState = {
    ...state,
    logs: { ...state.logs, [origin]: { verifierKey: pinned, size: body.size, note: checkpoint.note, cosignature } },
  };
  return {
    state: next,
    result: {
      origin: body.origin,
      size: body.size,
      previousSize: known?.size ?? null,
      cosignature,
      firstUse: !known && !options.verifierKey,
      alsoCosignedBy: otherCosigners(served, text, state.witness.name),
    },
  };
}

/**
 * The listed witnesses whose published cosignature verifies over the checkpoint this witness was served: had the
 * log shown them another checkpoint of this size (a split view), their cosignatures would not verify over this one.
 */
function otherCosigners(served: Record<string, unknown>, text: string, self: string): string[] {
  const keys = Array.isArray(served.witnesses) ? served.witnesses.map((k) => parseWitnessKey(String(k))) : [];
  const lines = Array.isArray(served.cosignatures)
    ? (served.cosignatures as { witness?: unknown; line?: unknown }[])
    : [];
  const names: string[] = [];
  for (const key of keys) {
    if (!key || key.name === self) continue;
    const line = lines.find((l) => l.witness === key.name)?.line;
    if (typeof line === 'string' && verifyCosignature(line, text, key.name, key.publicKey)) names.push(key.name);
  }
  return names;
}

/** The witness's verifier key string: what a log operator adds to DATACOOP_AUDIT_WITNESSES to publish its cosignatures. */
export function witnessVerifierKey(state: WitnessState): string {
  return witnessKey(state.witness.name, witnessPublicKey(state));
}

/**
 * Posts this round's cosignature to the log, which publishes it beside the checkpoint; returns the log's answer
 * (201, or its error code: `witness_unknown` until the operator lists this witness).
 */
export async function publishCosignature(
  baseUrl: string,
  result: Pick<WitnessResult, 'size' | 'cosignature'>,
  options: { fetch?: typeof fetch } = {},
): Promise<{ status: number; code?: string }> {
  const post = options.fetch ?? fetch;
  const response = await post(`${baseUrl.replace(/\/+$/, '')}/api/public/audit/cosignatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: result.size, cosignature: result.cosignature }),
  });
  if (response.ok) return { status: response.status };
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: response.status, ...(body.error?.code !== undefined && { code: body.error.code }) };
}

/** The witness's public key as raw bytes (to verify its cosignatures). */
export function witnessPublicKey(state: WitnessState): Buffer {
  const key = createPrivateKey({ key: Buffer.from(state.witness.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
}

function shrank(from: number, to: number): string {
  return `the log shrank from ${from} to ${to} entries: its history was cut (a fork)`;
}

async function getJson(get: typeof fetch, url: string): Promise<Record<string, unknown>> {
  const response = await get(url);
  if (!response.ok) throw new WitnessAlarm(`${url} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}
