// The version of this Datacoop (package.json), recorded with each applied migration and named in refusals.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Reads `version` from the nearest package.json above this file (source tree and compiled dist/ alike). */
export function datacoopVersion(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (name === 'datacoop' && version) return (cached = version);
    }
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}
