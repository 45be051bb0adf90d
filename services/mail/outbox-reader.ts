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
      return { file, date: header(raw, 'Date'), to: header(raw, 'To'), subject: header(raw, 'Subject') };
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
