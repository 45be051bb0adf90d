// Reads the local outbox (the CLI's `outbox` command and the demo page): list messages, read one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface OutboxEntry {
  file: string;
  date: string;
  to: string;
  subject: string;
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? '';
}

/** The text of RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII headers. */
export function decodeMimeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, type: string, data: string) =>
      type.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replaceAll('_', ' ')),
    );
}

/** Quoted-printable (RFC 2045) to text: soft line breaks joined, `=XX` bytes read as UTF-8. */
export function decodeQuotedPrintable(value: string): string {
  const latin = value
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin, 'latin1').toString('utf8');
}

/** The outbox's messages, newest first (`[]` when nothing was sent yet). */
export async function listOutbox(dir: string): Promise<OutboxEntry[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries = await Promise.all(
    files.map(async (file) => {
      const raw = await readFile(join(dir, file), 'utf8');
      return {
        file,
        date: header(raw, 'Date'),
        to: header(raw, 'To'),
        subject: decodeMimeWords(header(raw, 'Subject')),
      };
    }),
  );
  return entries.sort((a, b) => b.file.localeCompare(a.file));
}

/** One message's raw text by file name (only names listOutbox returns: no path may leave the outbox). */
export async function readOutboxMessage(dir: string, file: string): Promise<string | null> {
  if (!/^[\w.-]+\.eml$/.test(file)) return null;
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch {
    return null;
  }
}
