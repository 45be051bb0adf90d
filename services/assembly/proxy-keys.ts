// Proxy ballots' keyed tags and sealed receipts, from the keyring (or, in tests without one, a random key).
import { createHmac, randomBytes } from 'node:crypto';
import { open, seal, type Binding } from '../crypto/aead.js';
import type { Keyring } from '../crypto/keyring.js';
import type { ProxyKeys } from './assembly.model.js';

type KeyedHash = (kind: string, value: string) => string;

/** Proxy keys derived from the keyring's blind-index key; without a keyring, from a random per-process key. */
export function createProxyKeys(keyring?: Pick<Keyring, 'blindIndex'>): ProxyKeys {
  const keyed: KeyedHash = keyring
    ? (kind, value) => keyring.blindIndex(kind, value)
    : randomKeyedHash(randomBytes(32));
  const receiptKey = (proposalId: string) => Buffer.from(keyed('assembly-proxy-receipt-key', proposalId), 'hex');
  const binding = (proposalId: string, principalId: string): Binding => ({
    collection: 'proxy_mandates',
    recordId: `${proposalId}:${principalId}`,
    memberId: principalId,
    schemaVersion: 1,
  });
  return {
    ballotTag: (proposalId, principalId) => keyed('assembly-proxy-ballot', `${proposalId}:${principalId}`),
    sealReceipt: (proposalId, principalId, receipt) =>
      seal(receiptKey(proposalId), Buffer.from(receipt, 'utf8'), binding(proposalId, principalId)),
    openReceipt: (proposalId, principalId, sealed) =>
      open(receiptKey(proposalId), Buffer.from(sealed), binding(proposalId, principalId)).toString('utf8'),
  };
}

function randomKeyedHash(key: Buffer): KeyedHash {
  return (kind, value) => createHmac('sha256', key).update(`${kind}\u001f${value}`).digest('hex');
}
