// What an import's answer shows: the counts and the per-type tallies, nothing else.
import type { ImportResult } from '../../../vault/index.js';

/** The import summary as it leaves the server (a whitelist of fields). */
export function presentImport(result: ImportResult): ImportResult {
  const { format, received, stored, duplicates, skipped, refused, replayed } = result;
  return { format, received, stored, duplicates, skipped, refused, replayed };
}
