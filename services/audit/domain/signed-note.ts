// The C2SP formats the audit log speaks: tlog-checkpoint bodies, signed-note Ed25519 signature lines, verifier
// key strings (`<name>+<hex key ID>+<base64(0x01 ‖ public key)>`) and tlog-cosignature/v1 lines. Pure.
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';

/** Signature types of C2SP signed-note: 0x01 Ed25519, 0x04 timestamped Ed25519 cosignature/v1. */
const ED25519 = 0x01;
const COSIGNATURE_V1 = 0x04;
const DASH = '\u2014';

/** A checkpoint body: origin, tree size, root hash (the first three lines of a tlog-checkpoint). */
export interface CheckpointBody {
  origin: string;
  size: number;
  root: Buffer;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** Everything after the 4-byte key ID (the signature, or timestamp ‖ signature for a cosignature). */
  rest: Buffer;
}

/** The tlog-checkpoint text that is signed: three lines, each ending in a newline. */
export function formatCheckpoint(body: CheckpointBody): string {
  return `${body.origin}\n${body.size}\n${body.root.toString('base64')}\n`;
}

/** Reads a checkpoint body; null if it is not one (the size must be a canonical decimal, the root 32 bytes). */
export function parseCheckpoint(text: string): CheckpointBody | null {
  const lines = text.split('\n');
  if (lines.length < 4 || !lines[0] || !/^(0|[1-9][0-9]{0,15})$/.test(lines[1]!)) return null;
  const root = Buffer.from(lines[2]!, 'base64');
  if (root.length !== 32 || root.toString('base64') !== lines[2]) return null;
  return { origin: lines[0], size: Number(lines[1]), root };
}

/** SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]: the key ID that names a key in signature lines. */
export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The C2SP verifier key string of an Ed25519 public key, e.g. for the public record and a witness's pin. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  const id = keyId(name, ED25519, publicKey).toString('hex');
  return `${name}+${id}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

/** Parses a verifier key string; null unless it is a well-formed Ed25519 key whose ID matches. */
export function parseVerifierKey(text: string): { name: string; keyId: Buffer; publicKey: Buffer } | null {
  // The base64 key may itself contain '+': only the first two separate the fields.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  const parts = match ? [match[1]!, match[2]!, match[3]!] : [];
  if (parts.length !== 3 || !parts[0]) return null;
  const bytes = Buffer.from(parts[2]!, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519) return null;
  const publicKey = bytes.subarray(1);
  const id = keyId(parts[0], ED25519, publicKey);
  return id.toString('hex') === parts[1] ? { name: parts[0], keyId: id, publicKey } : null;
}

/** A witness's C2SP verifier key string (its cosignature/v1 key: type 0x04), as a log operator configures it. */
export function witnessKey(name: string, publicKey: Uint8Array): string {
  const id = keyId(name, COSIGNATURE_V1, publicKey).toString('hex');
  return `${name}+${id}+${Buffer.concat([Buffer.from([COSIGNATURE_V1]), publicKey]).toString('base64')}`;
}

/** Parses a witness's verifier key string; null unless it is a well-formed cosignature/v1 key whose ID matches. */
export function parseWitnessKey(text: string): { name: string; publicKey: Buffer } | null {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) return null;
  const bytes = Buffer.from(match[3]!, 'base64');
  if (bytes.length !== 33 || bytes[0] !== COSIGNATURE_V1) return null;
  const publicKey = bytes.subarray(1);
  return keyId(match[1]!, COSIGNATURE_V1, publicKey).toString('hex') === match[2]
    ? { name: match[1]!, publicKey }
    : null;
}

/** Splits a signed note into its text (ending in a newline) and its signature lines; null if malformed. */
export function splitNote(note: string): { text: string; signatures: NoteSignature[] } | null {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) return null;
  const text = note.slice(0, at + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(at + 2, -1).split('\n')) {
    const match = new RegExp(`^${DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
    if (!match) return null;
    const bytes = Buffer.from(match[2]!, 'base64');
    if (bytes.length < 5) return null;
    signatures.push({ name: match[1]!, keyId: bytes.subarray(0, 4), rest: bytes.subarray(4) });
  }
  return signatures.length > 0 ? { text, signatures } : null;
}

/** One signature line `— <name> <base64(key ID ‖ signature)>`. */
export function signatureLine(name: string, id: Uint8Array, signature: Uint8Array): string {
  return `${DASH} ${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/** The signed note: text, a blank line, the signature lines. */
export function assembleNote(text: string, lines: readonly string[]): string {
  return `${text}\n${lines.join('')}`;
}

/** True when `note` carries a valid Ed25519 signature of the key in `verifier` over its text. */
export function verifyNote(note: string, verifier: string): { text: string } | null {
  const key = parseVerifierKey(verifier);
  const split = splitNote(note);
  if (!key || !split) return null;
  const signed = split.signatures.find((s) => s.name === key.name && s.keyId.equals(key.keyId));
  if (!signed || signed.rest.length !== 64) return null;
  const ok = verifySignature(null, Buffer.from(split.text, 'utf8'), ed25519PublicKey(key.publicKey), signed.rest);
  return ok ? { text: split.text } : null;
}

/** The message a cosigner signs: `cosignature/v1`, `time <seconds>`, then the checkpoint text. */
export function cosignedMessage(checkpointText: string, timeSeconds: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timeSeconds}\n${checkpointText}`, 'utf8');
}

/** A tlog-cosignature/v1 line: base64(key ID ‖ uint64 big-endian time ‖ signature). */
export function cosignatureLine(name: string, publicKey: Uint8Array, timeSeconds: number, signature: Uint8Array) {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timeSeconds));
  return signatureLine(name, keyId(name, COSIGNATURE_V1, publicKey), Buffer.concat([time, signature]));
}

/** Checks a cosignature line's signature over the checkpoint text with the cosigner's public key. */
export function verifyCosignature(line: string, checkpointText: string, name: string, publicKey: Uint8Array) {
  const split = splitNote(`${checkpointText}\n${line.endsWith('\n') ? line : `${line}\n`}`);
  const signed = split?.signatures[0];
  if (!signed || signed.name !== name || !signed.keyId.equals(keyId(name, COSIGNATURE_V1, publicKey))) return false;
  if (signed.rest.length !== 72) return false;
  const time = Number(signed.rest.readBigUInt64BE(0));
  const message = cosignedMessage(checkpointText, time);
  return verifySignature(null, message, ed25519PublicKey(publicKey), signed.rest.subarray(8));
}

/** A node KeyObject for a raw 32-byte Ed25519 public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}
