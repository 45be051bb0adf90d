// The readable text of an RFC 5322 message as the service's outbox keeps it (nodemailer's output): the first
// text/plain part of a multipart message, or the body of a single-part one, with its transfer encoding (quoted-
// printable, base64, 7bit/8bit) undone and its charset read as UTF-8. Pure, so it is unit-tested.

/** The decoded text/plain body of `raw`, or null when the message has none. */
export function plainTextOf(raw: string): string | null {
  const message = raw.replace(/\r\n/g, '\n');
  const { headers, body } = splitEntity(message);
  return textOfEntity(headers, body);
}

function textOfEntity(headers: Map<string, string>, body: string): string | null {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\n/, ''));
      const text = textOfEntity(entity.headers, entity.body);
      if (text !== null) return text;
    }
    return null;
  }
  if (!/^text\/plain/i.test(type)) return null;
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return utf8(quotedPrintableBytes(body)).replace(/\n$/, '');
  if (encoding === 'base64') return utf8(base64Bytes(body)).replace(/\n$/, '');
  return body.replace(/\n$/, '');
}

/** Headers (names lower-cased, folded lines joined) and the body after the first empty line. */
function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.indexOf('\n\n');
  const head = end === -1 ? entity : entity.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: end === -1 ? '' : entity.slice(end + 2) };
}

function quotedPrintableBytes(text: string): Uint8Array {
  const joined = text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Characters outside ASCII do not occur in quoted-printable; kept as their UTF-8 bytes if they do.
      bytes.push(...new TextEncoder().encode(joined[i]!));
    }
  }
  return Uint8Array.from(bytes);
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
