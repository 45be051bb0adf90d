// Chooses the database: MONGODB_URI if set, else the embedded FerretDB under the data folder.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import type { Config } from '../config.js';
import { connectDatabase } from './connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './ferretdb-launcher.js';

export interface OpenDatabase {
  connection: Connection;
  embedded: EmbeddedDatabase | undefined;
  /** Closes the connection and stops the embedded database if this process started it. */
  close(): Promise<void>;
}

/** The database the service uses on its embedded FerretDB (one SQLite file, `datacoop.sqlite`). */
export const EMBEDDED_DB_NAME = 'datacoop';

/** Connects to the configured database, starting (or joining) the embedded FerretDB when no URI is set. */
export async function openDatabase(config: Readonly<Config>, log: (message: string) => void): Promise<OpenDatabase> {
  if (config.mongoUri) {
    const connection = await connectDatabase(config.mongoUri, { embedded: false });
    return { connection, embedded: undefined, close: () => connection.close() };
  }
  // Another process of ours (the running service) may already serve this data folder: join it.
  const running = readRunningUri(config.dataDir);
  if (running) {
    const connection = await connectDatabase(running, { embedded: true, dbName: EMBEDDED_DB_NAME });
    return { connection, embedded: undefined, close: () => connection.close() };
  }
  const embedded = await startEmbeddedDatabase(join(config.dataDir, 'db'), { log });
  writeFileSync(runningFile(config.dataDir), JSON.stringify({ pid: process.pid, uri: embedded.uri }), { mode: 0o600 });
  try {
    const connection = await connectDatabase(embedded.uri, { embedded: true, dbName: EMBEDDED_DB_NAME });
    return {
      connection,
      embedded,
      async close() {
        await connection.close().catch(() => {});
        await embedded.stop();
        rmSync(runningFile(config.dataDir), { force: true });
      },
    };
  } catch (error) {
    await embedded.stop();
    rmSync(runningFile(config.dataDir), { force: true });
    throw error;
  }
}

function runningFile(dataDir: string): string {
  return join(dataDir, 'embedded-db.json');
}

function readRunningUri(dataDir: string): string | undefined {
  try {
    const { pid, uri } = JSON.parse(readFileSync(runningFile(dataDir), 'utf8')) as { pid: number; uri: string };
    process.kill(pid, 0); // throws if that process is gone
    return uri;
  } catch {
    return undefined;
  }
}
