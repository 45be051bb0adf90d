// The paging token of a search: the offset of the page, bound to the caller and to the search it pages (its
// canonical parameters), under a MAC. A token changed in any bit, or used by another member or for another search,
// is refused. Pure: the MAC function (a keyed HMAC held by the service) is passed in.

/** A keyed MAC of a text, as hex (the service passes an HMAC-SHA-256 under one of its secrets). */
export type Mac = (text: string) => string;

const MAC_CHARS = 32;

/** The token of the page starting at `offset` of the search `searchKey` by `memberId`. */
export function encodeCursor(mac: Mac, memberId: string, searchKey: string, offset: number): string {
  const payload = Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
  return `${payload}.${mac(`${memberId}\u001f${searchKey}\u001f${payload}`).slice(0, MAC_CHARS)}`;
}

/** The offset a token stands for, or undefined when it is not one this service issued for this member and search. */
export function decodeCursor(mac: Mac, memberId: string, searchKey: string, token: string): number | undefined {
  const [payload, tag, extra] = token.split('.');
  if (payload === undefined || tag === undefined || extra !== undefined || tag.length !== MAC_CHARS) return undefined;
  const expected = mac(`${memberId}\u001f${searchKey}\u001f${payload}`).slice(0, MAC_CHARS);
  if (!sameText(expected, tag)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { o?: unknown };
    return Number.isSafeInteger(value.o) && (value.o as number) >= 0 ? (value.o as number) : undefined;
  } catch {
    return undefined;
  }
}

// Compared in full whatever differs first, so timing does not tell how much of a forged tag was right.
function sameText(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
