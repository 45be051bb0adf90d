// The only reader of process.env: validates the environment once at start-up and lists every problem.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { MailSettings } from './mail/index.js';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATACOOP_DATA_DIR: z.string().min(1).default('./data'),
  DATACOOP_MASTER_KEY: z.string().optional(),
  DATACOOP_MASTER_KEY_FILE: z.string().min(1).optional(),
  DATACOOP_DEMO: booleanFlag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: booleanFlag.default(false),
  JWT_ISSUER: z.string().min(1).default('datacoop'),
  JWT_AUDIENCE: z.string().min(1).default('datacoop-api'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(600),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  JSON_BODY_LIMIT_BYTES: positiveInt(256 * 1024),
  // Requests handled at once; the next is refused with 503 + Retry-After (health and metrics exempt).
  MAX_IN_FLIGHT_REQUESTS: positiveInt(64).pipe(z.number().max(100_000)),
  OVERLOAD_RETRY_AFTER_SECONDS: positiveInt(1).pipe(z.number().max(3_600)),
  // Argon2id worker threads: each holds a 64 MiB WebAssembly heap (about 95 MB of RSS) while it runs.
  PASSWORD_WORKERS: positiveInt(2).pipe(z.number().max(16)),
  UPLOAD_BODY_LIMIT_BYTES: positiveInt(20 * 1024 * 1024),
  UPLOAD_MAX_ROWS: positiveInt(100_000),
  // Health-app imports (Apple Health, Google Fit): spooled to a temporary file, read as a stream.
  IMPORT_BODY_LIMIT_BYTES: positiveInt(2 * 1024 ** 3),
  IMPORT_MAX_ENTRY_BYTES: positiveInt(8 * 1024 ** 3),
  IMPORT_MAX_COMPRESSION_RATIO: positiveInt(400),
  IMPORT_MAX_JSON_BYTES: positiveInt(64 * 1024 ** 2),
  IMPORT_TEMP_DIR: z.string().min(1).optional(),
  DATACOOP_PREVIOUS_MASTER_KEY: z.string().optional(),
  DATACOOP_PREVIOUS_MASTER_KEY_FILE: z.string().min(1).optional(),
  LOGIN_WINDOW_SECONDS: positiveInt(15 * 60),
  // Failures are cleared on success by deleting every slot by id, so the limit stays small.
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5).pipe(z.number().max(1_000)),
  // Log-in attempts and registrations per client address and window.
  LOGIN_MAX_ATTEMPTS_PER_IP: positiveInt(50),
  // The audit log's checkpoints: note key name (a schema-less URL), interval (pinned at first start), schedule.
  DATACOOP_AUDIT_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'a schema-less URL without spaces or +')
    .default('datacoop.local/audit'),
  DATACOOP_AUDIT_CHECKPOINT_EVERY: positiveInt(16).pipe(z.number().max(1_000_000)),
  DATACOOP_AUDIT_CHECKPOINT_SECONDS: positiveInt(60),
  DATACOOP_AUDIT_VERIFIER_KEY: z.string().min(1).optional(),
  // Witnesses whose cosignatures are published (their C2SP verifier keys, separated by commas or spaces).
  DATACOOP_AUDIT_WITNESSES: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, 'a witness verifier key'))),
  // Outgoing e-mail: without SMTP_URL every message goes to the local outbox (files under the data directory).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Datacoop <no-reply@datacoop.invalid>'),
  SMTP_REQUIRE_TLS: booleanFlag.default(false),
  SMTP_TLS_REJECT_UNAUTHORIZED: booleanFlag.default(true),
  MAIL_OUTBOX_DIR: z.string().min(1).optional(),
  MAIL_RETRY_BASE_MS: positiveInt(30_000),
  MAIL_MAX_ATTEMPTS: positiveInt(8).pipe(z.number().max(30)),
  // Stewards' routes need a log-in with a second factor; `optional` (the default outside production) only warns.
  STEWARD_SECOND_FACTOR: z.enum(['required', 'optional']).optional(),
  // The address members reach the service at, for links in e-mails (verification, reset, unsubscribe).
  PUBLIC_URL: z.url().optional(),
});

/** The validated, frozen configuration every other module receives as a value. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** External MongoDB; when absent the embedded FerretDB is started. */
  mongoUri: string | undefined;
  dataDir: string;
  masterKey: { source: 'env'; key: Buffer } | { source: 'file'; path: string; createIfMissing: boolean };
  demo: boolean;
  logLevel: string;
  corsOrigins: string[];
  trustProxy: boolean;
  jwt: { issuer: string; audience: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  jsonBodyLimitBytes: number;
  /** Bounded request concurrency: at most `maxInFlight` requests in the handlers, the next gets 503. */
  concurrency: { maxInFlight: number; retryAfterSeconds: number };
  /** Most Argon2id worker threads at once (stopped after 30 s idle); bounds log-in memory and throughput. */
  passwordWorkers: number;
  /** Observation uploads: largest body (413 above) and most rows (413 above). */
  upload: { bodyLimitBytes: number; maxRows: number };
  /** Health-app imports: largest body, zip guards, largest Takeout JSON file, spool folder (the OS temp dir if unset). */
  imports: {
    bodyLimitBytes: number;
    maxEntryBytes: number;
    maxCompressionRatio: number;
    maxJsonBytes: number;
    tempDir: string | undefined;
  };
  /** The master key being replaced, while `rotate-master-key` rewraps every key under the current one. */
  previousMasterKey:
    { source: 'env'; key: Buffer } | { source: 'file'; path: string; createIfMissing: false } | undefined;
  loginThrottle: { windowSeconds: number; maxFailuresPerAccount: number; maxAttemptsPerIp: number };
  /** Audit checkpoints: origin, a checkpoint every N entries, a scheduled one every S seconds, the pins. */
  audit: {
    origin: string;
    checkpointEvery: number;
    checkpointSeconds: number;
    /** Where the anchor file (pins and newest checkpoint) lives: the data directory, beside the master key. */
    anchorDir: string;
    pinnedVerifierKey: string | undefined;
    /** Witnesses whose cosignatures are published: their verifier keys. */
    witnesses: string[];
  };
  /** Outgoing e-mail: SMTP when `smtpUrl` is set, else files in `outboxDir`; retries back off from `retryBaseMs`. */
  mail: MailSettings;
  /** Base of the links in e-mails, without a trailing slash. */
  publicUrl: string;
  /** Whether stewards' routes refuse a session that did not pass a second factor (required in production). */
  stewardSecondFactor: 'required' | 'optional';
}

/** Raised when the environment is invalid; `problems` lists every one, so a person fixes them all at once. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and validates the environment into a frozen Config, or throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATACOOP_DATA_DIR);

  let masterKey: Config['masterKey'];
  if (e.DATACOOP_MASTER_KEY !== undefined) {
    const key = Buffer.from(e.DATACOOP_MASTER_KEY, 'base64');
    if (key.length !== 32 || key.toString('base64') !== e.DATACOOP_MASTER_KEY.trim()) {
      problems.push('DATACOOP_MASTER_KEY: must be exactly 32 bytes, base64-encoded');
    }
    masterKey = { source: 'env', key };
  } else if (e.DATACOOP_MASTER_KEY_FILE !== undefined) {
    masterKey = { source: 'file', path: resolve(e.DATACOOP_MASTER_KEY_FILE), createIfMissing: false };
  } else {
    if (production) {
      problems.push('DATACOOP_MASTER_KEY or DATACOOP_MASTER_KEY_FILE: required in production');
    }
    masterKey = { source: 'file', path: resolve(dataDir, 'master.key'), createIfMissing: !production };
  }

  let previousMasterKey: Config['previousMasterKey'];
  if (e.DATACOOP_PREVIOUS_MASTER_KEY !== undefined) {
    const key = Buffer.from(e.DATACOOP_PREVIOUS_MASTER_KEY, 'base64');
    if (key.length !== 32 || key.toString('base64') !== e.DATACOOP_PREVIOUS_MASTER_KEY.trim()) {
      problems.push('DATACOOP_PREVIOUS_MASTER_KEY: must be exactly 32 bytes, base64-encoded');
    }
    previousMasterKey = { source: 'env', key };
  } else if (e.DATACOOP_PREVIOUS_MASTER_KEY_FILE !== undefined) {
    previousMasterKey = { source: 'file', path: resolve(e.DATACOOP_PREVIOUS_MASTER_KEY_FILE), createIfMissing: false };
  }

  // Demo accounts only with the embedded database, unless explicitly asked for; never in production.
  const demo = e.DATACOOP_DEMO ?? (e.MONGODB_URI === undefined && !production);
  if (demo && production) problems.push('DATACOOP_DEMO: demo accounts are not allowed in production');

  const corsOrigins = e.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    mongoUri: e.MONGODB_URI,
    dataDir,
    masterKey,
    demo,
    logLevel: e.LOG_LEVEL,
    corsOrigins,
    trustProxy: e.TRUST_PROXY,
    jwt: {
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    },
    jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES,
    concurrency: { maxInFlight: e.MAX_IN_FLIGHT_REQUESTS, retryAfterSeconds: e.OVERLOAD_RETRY_AFTER_SECONDS },
    passwordWorkers: e.PASSWORD_WORKERS,
    upload: { bodyLimitBytes: e.UPLOAD_BODY_LIMIT_BYTES, maxRows: e.UPLOAD_MAX_ROWS },
    imports: {
      bodyLimitBytes: e.IMPORT_BODY_LIMIT_BYTES,
      maxEntryBytes: e.IMPORT_MAX_ENTRY_BYTES,
      maxCompressionRatio: e.IMPORT_MAX_COMPRESSION_RATIO,
      maxJsonBytes: e.IMPORT_MAX_JSON_BYTES,
      tempDir: e.IMPORT_TEMP_DIR,
    },
    previousMasterKey,
    audit: {
      origin: e.DATACOOP_AUDIT_ORIGIN,
      checkpointEvery: e.DATACOOP_AUDIT_CHECKPOINT_EVERY,
      checkpointSeconds: e.DATACOOP_AUDIT_CHECKPOINT_SECONDS,
      anchorDir: dataDir,
      pinnedVerifierKey: e.DATACOOP_AUDIT_VERIFIER_KEY,
      witnesses: e.DATACOOP_AUDIT_WITNESSES,
    },
    loginThrottle: {
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxAttemptsPerIp: e.LOGIN_MAX_ATTEMPTS_PER_IP,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      requireTls: e.SMTP_REQUIRE_TLS,
      tlsRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
      outboxDir: resolve(e.MAIL_OUTBOX_DIR ?? resolve(dataDir, 'outbox')),
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
    },
    stewardSecondFactor: e.STEWARD_SECOND_FACTOR ?? (production ? 'required' : 'optional'),
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
  });
}
