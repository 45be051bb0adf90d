// The member's vault use cases: upload (idempotent), list, series, export and erasure of their observations.
import { createHash, createHmac } from 'node:crypto';
import type { Connection, Model, mongo } from 'mongoose';
import { findCategory } from '../../policies/observations/catalogue.js';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import type { Revocations } from '../auth/revocations.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { InvalidRequest, NotAuthenticated, NotFound } from '../errors.js';
import { refreshTokenModel, sessionModel } from '../members/session.model.js';
import { userModel, type UserDocument } from '../members/user.model.js';
import { monthOf } from './chunk-codec.js';
import { computeSeries, type SeriesBucket, type SeriesPoint } from './series.js';
import {
  IDEMPOTENCY_COLLECTION,
  INSTANCE_COLLECTION,
  UploadIdempotency,
  type IdempotencyDocument,
} from './upload-idempotency.js';
import { readUpload } from './upload-reader.js';
import { compareStored, VaultStore, type StoreResult, type StoredObservation } from './vault-store.js';

export const ERASURE_COLLECTION = 'erasures';

export interface VaultOptions {
  uploadMaxRows: number;
}

export interface VaultDeps {
  connection: Connection;
  keyring: Keyring;
  passwords: PasswordHasher;
  /** An erasure ends the member's access tokens at once (they carry no check of the account otherwise). */
  revocations?: Pick<Revocations, 'accountEnded'>;
  options: VaultOptions;
  /** A member's export of their own data is audited (pseudonymously) before anything is streamed. */
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
}

export interface UploadResult extends StoreResult {
  /** True when this answer repeats the first result for the same Idempotency-Key. */
  replayed: boolean;
}

export interface ListQuery {
  category?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface SeriesQuery {
  category: string;
  from?: Date | undefined;
  to?: Date | undefined;
  bucket: SeriesBucket;
}

const invalidCursor = () => new InvalidRequest('invalid_cursor', 'The cursor is not valid; start again without it.');

/** Observations of members, sealed under their own data keys. */
export class Vault {
  readonly store: VaultStore;
  private readonly users: Model<UserDocument>;
  private readonly idempotencyRecords: mongo.Collection<IdempotencyDocument>;
  private readonly idempotency: UploadIdempotency;
  private readonly erasures: mongo.Collection<mongo.Document>;

  constructor(private readonly deps: VaultDeps) {
    this.store = new VaultStore(deps.connection);
    this.users = userModel(deps.connection);
    this.idempotencyRecords = deps.connection.collection<IdempotencyDocument>(IDEMPOTENCY_COLLECTION);
    this.idempotency = new UploadIdempotency(this.idempotencyRecords, deps.connection.collection(INSTANCE_COLLECTION));
    this.erasures = deps.connection.collection(ERASURE_COLLECTION);
  }

  /** Validates an upload (all or nothing) and stores its new observations; a repeated Idempotency-Key replays. */
  async upload(
    memberId: string,
    body: { type: string; text: string },
    idempotencyKey: string | undefined,
    now: Date,
  ): Promise<UploadResult> {
    const observations = readUpload(body, now, this.deps.options.uploadMaxRows);
    const key = await this.memberKey(memberId);
    if (idempotencyKey === undefined)
      return { ...(await this.store.store(memberId, key, observations)), replayed: false };

    const id = `${memberId}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
    const fingerprint = createHmac('sha256', key).update(body.type).update('\u0000').update(body.text).digest('hex');
    const binding: Binding = { collection: IDEMPOTENCY_COLLECTION, recordId: id, memberId, schemaVersion: 1 };
    const start = await this.idempotency.begin(id, memberId, fingerprint, now);
    if ('replay' in start) return { ...openJson<StoreResult>(key, start.replay, binding), replayed: true };
    let result: StoreResult;
    try {
      result = await this.store.store(memberId, key, observations);
    } catch (error) {
      // Let a retry run again at once: storing is itself free of duplicates.
      await start.run.fail(now);
      throw error;
    }
    // Committed: if recording the result fails, the client retries and the rerun finds everything stored.
    await start.run.succeed(sealJson(key, result, binding));
    return { ...result, replayed: false };
  }

  /** One page of the member's observations in time order, filtered; `nextCursor` continues after it. */
  async list(
    memberId: string,
    query: ListQuery,
  ): Promise<{ observations: StoredObservation[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const key = await this.memberKey(memberId);
    const head = await this.store.readHead(memberId, key);
    const fromMs = Math.max(query.from?.getTime() ?? -Infinity, after ? Date.parse(after.effectiveAt) : -Infinity);
    const months = [...new Set(head.chunks.map((c) => c.month))]
      .filter((m) => (Number.isFinite(fromMs) ? m >= monthOf(new Date(fromMs).toISOString()) : true))
      .filter((m) => (query.to ? m <= monthOf(query.to.toISOString()) : true))
      .sort();
    const page: StoredObservation[] = [];
    const fromIso = query.from?.toISOString();
    const toIso = query.to?.toISOString();
    // Month by month, so a page reads only the chunks it needs.
    for (const month of months) {
      const rows = await this.store.read(
        memberId,
        key,
        { category: query.category, fromMonth: month, toMonth: month },
        head,
      );
      for (const row of rows) {
        if (fromIso !== undefined && row.effectiveAt < fromIso) continue;
        if (toIso !== undefined && row.effectiveAt > toIso) continue;
        if (after && compareStored(row, after) <= 0) continue;
        page.push(row);
      }
      if (page.length > query.limit) break;
    }
    const observations = page.slice(0, query.limit);
    const last = observations.at(-1);
    return { observations, nextCursor: page.length > query.limit && last ? encodeCursor(last) : null };
  }

  /** Day, week or month statistics of one category (per component for blood pressure). */
  async series(memberId: string, query: SeriesQuery): Promise<{ unit: string; points: SeriesPoint[] }> {
    const category = findCategory(query.category);
    if (!category) throw new InvalidRequest('unknown_category', `There is no category "${query.category}".`);
    const key = await this.memberKey(memberId);
    const rows = await this.store.read(memberId, key, {
      category: category.code,
      fromMonth: query.from && monthOf(query.from.toISOString()),
      toMonth: query.to && monthOf(query.to.toISOString()),
    });
    const fromIso = query.from?.toISOString();
    const toIso = query.to?.toISOString();
    const inRange = rows.filter(
      (row) =>
        (fromIso === undefined || row.effectiveAt >= fromIso) && (toIso === undefined || row.effectiveAt <= toIso),
    );
    return { unit: category.unit, points: computeSeries(inRange, query.bucket) };
  }

  /** Every observation of the member, month by month in time order, for a streamed export. */
  async *exportObservations(memberId: string): AsyncGenerator<StoredObservation[]> {
    const key = await this.memberKey(memberId);
    await this.deps.audit?.append('member.exported', this.auditActor(memberId), {}, new Date());
    const head = await this.store.readHead(memberId, key);
    const months = [...new Set(head.chunks.map((c) => c.month))].sort();
    for (const month of months) yield await this.store.read(memberId, key, { fromMonth: month, toMonth: month }, head);
  }

  /**
   * Erases an account after the password is re-entered: a pseudonymous tombstone first, then the account with its
   * wrapped data key (every ciphertext of the person becomes unreadable), sessions, and the sealed data itself.
   */
  async eraseAccount(userId: string, password: string, now: Date): Promise<void> {
    const user = await this.users.findById(userId, { passwordHash: 1 }).lean();
    if (!user) throw new NotFound();
    if (!(await this.deps.passwords.verify(password, user.passwordHash))) {
      throw new NotAuthenticated('invalid_credentials', 'The password is wrong.');
    }
    // The audit chain keeps a pseudonymous tombstone (the same keyed pseudonym as the member's other audit entries,
    // never the id); the `erasures` claim makes a repeated request a no-op. Nothing is deleted unless both are written.
    await this.deps.audit?.append('member.erased', this.auditActor(userId), {}, now);
    await claimOnce(this.erasures, this.deps.keyring.blindIndex('erasure', userId), { erasedAt: now });
    await this.deps.revocations?.accountEnded(userId, now);
    await this.users.deleteOne({ _id: userId });
    await Promise.all([
      sessionModel(this.deps.connection).updateMany(
        { userId, revokedAt: { $exists: false } },
        { $set: { revokedAt: now, revokedReason: 'account_erased' } },
      ),
      refreshTokenModel(this.deps.connection).deleteMany({ userId }),
      this.store.deleteAll(userId),
      this.idempotencyRecords.deleteMany({ member: userId }),
      // Consent versions (services/research/consent-store.ts) are sealed under the destroyed key; tidy them up too.
      this.deps.connection.collection('consent_versions').deleteMany({ member: userId }),
    ]);
  }

  /** How the audit log names a member: a keyed pseudonym, so the chain holds no account id of a vault owner. */
  private auditActor(memberId: string): string {
    return `member:${this.deps.keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
  }

  /** The member's data key, unwrapped; 404 when the account no longer exists. */
  async memberKey(memberId: string): Promise<Buffer> {
    const user = await this.users.findById(memberId, { wrappedKey: 1 }).lean();
    if (!user?.wrappedKey) throw new NotFound();
    return this.deps.keyring.unwrapMemberKey(memberId, toBuffer(user.wrappedKey));
  }

  /** True when the member has stored nothing yet. */
  async isEmpty(memberId: string): Promise<boolean> {
    return (await this.store.readHead(memberId, await this.memberKey(memberId))).version === 0;
  }

  /** Stores already validated observations (demo data, benchmarks): no parsing, same storage path. */
  async storeObservations(memberId: string, observations: readonly NormalisedObservation[]): Promise<StoreResult> {
    return this.store.store(memberId, await this.memberKey(memberId), observations);
  }
}

function encodeCursor(last: StoredObservation): string {
  return Buffer.from(JSON.stringify([last.effectiveAt, last.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): StoredObservation {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return { effectiveAt: value[0], id: value[1] } as StoredObservation;
    }
  } catch {
    // fall through
  }
  throw invalidCursor();
}
