// Starts one real FerretDB for the whole test run (unless MONGODB_URI is given); each test file uses its own database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../services/db/ferretdb-launcher.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'datacoop-test-db-'));
  const database = await startEmbeddedDatabase(dir, { log: (m) => console.log(m) });
  project.provide('mongoUri', database.uri);
  return async () => {
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
