// Ballot secrets: 32 random bytes per member and proposal, drawn here and kept in localStorage.
// Why localStorage: the same secret must be sent to change a ballot, possibly days later and after the tab
// was closed; the receipt (SHA-256 of the secret) is what the member looks for in the published list.
// Trade-off: anyone who can read this browser profile (or script injected into the page) can read the
// secret and receipt and, after close, see how this member voted; the secret alone cannot change a ballot
// (that also needs the member's session). Signing out keeps secrets so a member can still change a ballot;
// "forget" below removes them for one member.

const PREFIX = 'datacoop.ballot.';

interface StoredBallot {
  secret: string;
  receipt?: string;
}

function key(memberId: string, proposalId: string): string {
  return `${PREFIX}${memberId}.${proposalId}`;
}

function read(memberId: string, proposalId: string): StoredBallot | undefined {
  const raw = localStorage.getItem(key(memberId, proposalId));
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as StoredBallot;
    return /^[0-9a-f]{64}$/.test(parsed.secret) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The secret for this proposal, drawn and stored on first use. */
export function ballotSecret(memberId: string, proposalId: string): string {
  const stored = read(memberId, proposalId);
  if (stored) return stored.secret;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  localStorage.setItem(key(memberId, proposalId), JSON.stringify({ secret }));
  return secret;
}

/** Remembers the receipt the service returned for this proposal. */
export function rememberReceipt(memberId: string, proposalId: string, receipt: string): void {
  const stored = read(memberId, proposalId);
  if (stored) localStorage.setItem(key(memberId, proposalId), JSON.stringify({ ...stored, receipt }));
}

/** The receipt kept for this proposal, if this browser cast a ballot. */
export function storedReceipt(memberId: string, proposalId: string): string | undefined {
  return read(memberId, proposalId)?.receipt;
}
