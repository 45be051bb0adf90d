// Strict UTF-8 text from a byte stream: invalid bytes refuse the import instead of becoming U+FFFD.
import { InvalidRequest } from '../../errors.js';

/** Decodes one chunk (or the end, with `chunk` undefined), refusing invalid UTF-8 with `invalid_encoding`. */
export function decodeStrictly(decoder: TextDecoder, chunk: Buffer | undefined): string {
  try {
    return decoder.decode(chunk, { stream: chunk !== undefined });
  } catch {
    throw new InvalidRequest('invalid_encoding', 'The file is not valid UTF-8.');
  }
}

/** The lines of a UTF-8 byte stream, a chunk's worth at a time (a line longer than `maxLineChars` is refused). */
export async function* utf8Lines(bytes: AsyncIterable<Buffer>, maxLineChars = 1_000_000): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  const split = (text: string, last: boolean): string[] => {
    const lines = (rest + text).split(/\r?\n/);
    rest = last ? '' : lines.pop()!;
    if (rest.length > maxLineChars) throw new InvalidRequest('line_too_long', 'A line of the file is too long.');
    return lines;
  };
  for await (const chunk of bytes) yield split(decodeStrictly(decoder, chunk), false);
  yield split(decodeStrictly(decoder, undefined), true);
}

/** The whole text of a small stream (at most `maxBytes`, else `file_too_large`), strictly decoded. */
export async function smallText(bytes: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > maxBytes)
      throw new InvalidRequest('file_too_large', `A JSON file of the archive exceeds ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return decodeStrictly(decoder, Buffer.concat(chunks)) + decodeStrictly(decoder, undefined);
}
