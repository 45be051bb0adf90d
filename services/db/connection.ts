// Opens the mongoose connection with options that turn a database outage into a fast 503 instead of a hang.
import mongoose, { type Connection } from 'mongoose';

/** Options shared by MongoDB and FerretDB: no command buffering, short selection timeout, no retryable writes. */
export async function connectDatabase(
  uri: string,
  options: { dbName?: string; embedded: boolean },
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName: options.dbName,
    // FerretDB is a single server and implements no retryable writes; our writes are idempotent by design.
    directConnection: options.embedded ? true : undefined,
    retryWrites: false,
    // A dead database fails a request after this long (a 503 with Retry-After); measured by
    // test/resilience/database-kill.test.ts, where 2 s plus a loaded machine's delays passed the 3 s bound.
    serverSelectionTimeoutMS: 1_000,
    connectTimeoutMS: 2_000,
    socketTimeoutMS: 20_000,
    heartbeatFrequencyMS: 1_000,
    maxPoolSize: 50,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  return connection;
}

const unavailableErrorNames = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
]);

/** True when an error means "cannot reach the database" or "busy, retry" (not a bad query), so it maps to 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = underlying(e), depth++) {
    if (unavailableErrorNames.has(e.name)) return true;
    // FerretDB's SQLite could not get its write lock in time (many concurrent writers): busy, not broken; a retry
    // a moment later succeeds. Measured in test/resilience/service-kill.test.ts (100 concurrent retried uploads).
    if (e.name === 'MongoServerError' && /SQLITE_BUSY|database is locked/.test(e.message)) return true;
    // Mongoose refuses to run a command while disconnected when buffering is off.
    if (e.name === 'MongooseError' && /before initial connection|connection .*closed|not connected/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

/**
 * The error behind this one: `cause`, or for a failed bulk write (insertMany) the `errorResponse` it wraps — a
 * MongoBulkWriteError whose connection was reset carries the MongoNetworkError there, not in `cause` (found by
 * test/resilience/database-kill.test.ts: batched ballot inserts answered 500 when the database died).
 */
function underlying(error: Error): unknown {
  if (error.cause !== undefined) return error.cause;
  const response = (error as { errorResponse?: unknown }).errorResponse;
  return response instanceof Error ? response : undefined;
}

/** True for a unique-index violation (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Pings the database with a deadline; used by /health/ready. */
export async function pingDatabase(connection: Connection, timeoutMs = 1_500): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ping = db
      .admin()
      .ping()
      .then(() => true)
      .catch(() => false);
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Converts a binary field read with `.lean()` (a BSON Binary) or a hydrated one (a Buffer) to a Buffer. */
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: Uint8Array; position?: number } | null;
  if (binary?.buffer instanceof Uint8Array) {
    return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.position ?? binary.buffer.byteLength);
  }
  throw new TypeError('not a binary value');
}
