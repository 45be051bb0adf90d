// What makes a validly signed access token unusable before it expires: its session ended, or the account state it
// carries (role, researcher verification, membership) changed after the token was issued.
//
// Access tokens carry the caller's state, read when the token was issued, so a request needs no read of the
// session or the account: those tables grow with every member and log-in, and reading them cost 18–180 ms per
// request with 5,000 sessions (what a read costs: db/micro-batch.ts). Instead every request reads this collection,
// which stays small: it holds only the events of the last token lifetime — a logout, a refresh-token reuse, an
// erasure, a researcher verified, a membership suspended. Records are swept once no token they could concern is
// still valid.
import { randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { MicroBatch, type Settled } from '../db/micro-batch.js';

/** A token as far as revocation is concerned: whose, which session, and when its account state was read. */
export interface TokenSubject {
  userId: string;
  sessionId: string;
  /** Milliseconds since the epoch at which the account state carried by the token was read. */
  stateAt: number;
}

interface RevocationRecord {
  _id: string;
  /** `session:<id>` ends every token of the session; `account:<id>` makes tokens with older state stale. */
  subject: string;
  /** Tokens whose state was read before this instant are refused (sessions: every token of the session). */
  notBefore: Date;
  /** After this no token it concerns is valid any more; the record is swept. */
  expiresAt: Date;
}

const SWEEP_INTERVAL_MS = 60_000;

/** The revocation list, shared by every service instance through the database. */
export class Revocations {
  private readonly records: mongo.Collection<RevocationRecord>;
  /** Concurrent requests' checks share one read (db/micro-batch.ts): every request needs this collection. */
  private readonly lookups: MicroBatch<string[], number[]>;
  private nextSweep = 0;

  /** `tokenLifetimeMs`: the longest an access token lives (its TTL plus the verifier's clock tolerance). */
  constructor(
    connection: Connection,
    private readonly tokenLifetimeMs: number,
  ) {
    this.records = connection.collection<RevocationRecord>('revocations');
    this.lookups = new MicroBatch((subjectLists) => this.notBeforeOf(subjectLists), { maxBatch: 1_000 });
  }

  /** Ends every access token of a session (logout, refresh-token reuse). */
  async endSession(sessionId: string, now: Date): Promise<void> {
    await this.add(`session:${sessionId}`, new Date(8.64e15), now);
  }

  /**
   * Marks the account's state as changed at `changedAt`: tokens whose state was read before then are refused, and
   * their holder refreshes to get the current state. Call it after the change is written, with the time then.
   */
  async accountChanged(userId: string, changedAt: Date): Promise<void> {
    await this.add(`account:${userId}`, changedAt, changedAt);
  }

  /**
   * Ends every access token of an account that is about to be erased. Written before the erasure: a refresh racing
   * it gets a token that is refused too, since any token issued before the account is gone is covered.
   */
  async accountEnded(userId: string, now: Date): Promise<void> {
    const coversEveryTokenIssuedUntil = new Date(now.getTime() + this.tokenLifetimeMs);
    await this.add(`account:${userId}`, coversEveryTokenIssuedUntil, coversEveryTokenIssuedUntil);
  }

  /** True if the token's session has ended or its account changed after the token's state was read. */
  async isRevoked(token: TokenSubject, now: Date): Promise<boolean> {
    this.sweepOccasionally(now);
    const notBefore = await this.lookups.submit([`session:${token.sessionId}`, `account:${token.userId}`]);
    return notBefore.some((instant) => instant >= token.stateAt);
  }

  /** For each list of subjects, the `notBefore` instants (epoch ms) of every record about any of them. */
  private async notBeforeOf(subjectLists: string[][]): Promise<Settled<number[]>[]> {
    const subjects = [...new Set(subjectLists.flat())];
    const found = await this.records
      .find({ subject: { $in: subjects } }, { projection: { subject: 1, notBefore: 1 } })
      .toArray();
    const bySubject = new Map<string, number[]>();
    for (const record of found) {
      bySubject.set(record.subject, [...(bySubject.get(record.subject) ?? []), record.notBefore.getTime()]);
    }
    return subjectLists.map((list) => ({ value: list.flatMap((subject) => bySubject.get(subject) ?? []) }));
  }

  private async add(subject: string, notBefore: Date, now: Date): Promise<void> {
    // One record per event, inserted and never updated: inserts are atomic everywhere (see db/claims.ts).
    const expiresAt = new Date(now.getTime() + this.tokenLifetimeMs);
    await this.records.insertOne({ _id: randomUUID(), subject, notBefore, expiresAt });
  }

  private sweepOccasionally(now: Date): void {
    if (now.getTime() < this.nextSweep) return;
    this.nextSweep = now.getTime() + SWEEP_INTERVAL_MS;
    // Best effort: an unswept record only costs a little time to scan.
    this.records.deleteMany({ expiresAt: { $lt: now } }).catch(() => {});
  }
}
