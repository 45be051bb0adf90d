// Idempotency-Key for uploads: a claim per key decides who runs the upload, and a claim whose runner died is taken over.
//
// The key's record `<member>:<sha256(key)>` holds the body's fingerprint and, once the upload has committed, its
// sealed result. Who runs the upload is decided by numbered attempt claims `<record>:attempt:<n>` (unique inserts,
// so exactly one caller wins each number); an attempt names the service instance running it, and a busy instance
// writes a heartbeat every few seconds (one write per instance, not per upload). A retry that finds the newest
// attempt ended, or its instance silent for longer than the lease (the process was killed), claims the next number
// and runs the upload again. That is safe because storing is free of duplicates: observations the dead attempt
// committed are found and not stored twice, and chunks it wrote without committing are never listed.
//
// Before this, a process killed between the claim and the result left the key "in progress" for ever, and every
// retry of that upload was refused with 409 (found by test/resilience/service-kill.test.ts).
import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { AppError, Conflict } from '../errors.js';
import type { IdempotencyDocument, InstanceDocument } from './vault.model.js';

/** How long a busy instance may stay silent before its attempts count as dead and a retry takes over. */
export const IDEMPOTENCY_LEASE_MS = 15_000;
/** How often a busy instance writes its heartbeat (well inside the lease). */
const HEARTBEAT_EVERY_MS = 4_000;
/** An attempt older than this may be taken over even if its instance is alive (it is stuck). */
const MAX_ATTEMPT_MS = 10 * 60_000;

/** What `begin` decided: run the upload under an attempt, or replay the stored result. */
export type IdempotentStart = { run: UploadAttempt } | { replay: Buffer };

/** A claimed attempt, running until `succeed` or `fail`. */
export interface UploadAttempt {
  /** Stores the sealed result in the key's record; later retries replay it. */
  succeed(sealedResult: Buffer): Promise<void>;
  /** Ends the attempt so that a retry may run the upload again at once. */
  fail(now: Date): Promise<void>;
}

/** The Idempotency-Key records of the vault, and this instance's heartbeat while it runs uploads. */
export class UploadIdempotency {
  private readonly instanceId = randomUUID();
  /** Attempts running in this instance now. */
  private readonly running = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** The heartbeat written when this instance last became busy; attempts are claimed only after it. */
  private firstBeat: Promise<void> = Promise.resolve();
  /** Records this instance created but could not start an attempt for (bounded). */
  private readonly abandoned = new Set<string>();

  constructor(
    private readonly records: mongo.Collection<IdempotencyDocument>,
    private readonly instances: mongo.Collection<InstanceDocument>,
  ) {}

  /**
   * Decides what an upload under `recordId` does: the first caller (or the one taking over a dead attempt) runs it;
   * a retry after success replays; a different body is refused (409 idempotency_key_reused); a retry while an
   * attempt is alive is refused with 409 upload_in_progress and Retry-After.
   */
  async begin(recordId: string, memberId: string, fingerprint: string, now: Date): Promise<IdempotentStart> {
    const created = await claimOnce(asDocuments(this.records), recordId, {
      member: memberId,
      state: 'pending',
      fingerprint,
      createdAt: now,
    });
    let lastAttempt = 0;
    if (!created) {
      const record = await this.records.findOne({ _id: recordId });
      const done = checkRecord(record, fingerprint);
      if (done) return { replay: done };
      const newest = await this.newestAttempt(recordId);
      lastAttempt = newest.number;
      const waitMs = await this.remainingLease(recordId, newest, record!, now);
      if (waitMs > 0) throw uploadInProgress(waitMs);
    }
    const id = attemptId(recordId, lastAttempt + 1);
    try {
      await this.beatWhileBusy(id);
      const claimed = await claimOnce(asDocuments(this.records), id, {
        member: memberId,
        instance: this.instanceId,
        startedAt: now,
      });
      if (!claimed) throw uploadInProgress(IDEMPOTENCY_LEASE_MS);
      if (!created) {
        // The attempt taken over may have finished meanwhile.
        const done = checkRecord(await this.records.findOne({ _id: recordId }), fingerprint);
        if (done) {
          await this.end(id, now);
          return { replay: done };
        }
      }
    } catch (error) {
      this.idle(id);
      // A record created here without an attempt (the database failed in between): retries here need not wait.
      if (created) this.remember(this.abandoned, recordId);
      throw error;
    }
    return {
      run: {
        succeed: async (sealedResult) => {
          try {
            await this.records.updateOne({ _id: recordId }, { $set: { state: 'done', result: sealedResult } });
          } finally {
            // If the write failed, a retry here reruns at once and finds the committed observations stored.
            this.idle(id);
          }
        },
        fail: (failedAt) => this.end(id, failedAt),
      },
    };
  }

  /** 0 when the newest attempt is over (ended, its instance dead, or stuck); else how long its lease still runs. */
  private async remainingLease(
    recordId: string,
    newest: { number: number; document: IdempotencyDocument | null },
    record: IdempotencyDocument,
    now: Date,
  ): Promise<number> {
    const attempt = newest.document;
    // No attempt claimed yet (the runner died between the two inserts): the record's age is all there is.
    if (!attempt) {
      if (this.abandoned.has(recordId)) return 0;
      return IDEMPOTENCY_LEASE_MS - (now.getTime() - (record.createdAt?.getTime() ?? 0));
    }
    if (attempt.endedAt) return 0;
    if (now.getTime() - (attempt.startedAt?.getTime() ?? 0) > MAX_ATTEMPT_MS) return 0;
    if (attempt.instance === this.instanceId) {
      return this.running.has(attemptId(recordId, newest.number)) ? IDEMPOTENCY_LEASE_MS : 0;
    }
    const instance = attempt.instance ? await this.instances.findOne({ _id: attempt.instance }) : null;
    if (!instance) return 0;
    // Heartbeats are compared with this machine's clock, never with a request's (test) clock.
    return IDEMPOTENCY_LEASE_MS - (Date.now() - instance.beatAt.getTime());
  }

  /** Marks an attempt as running here; the first one starts the heartbeat (written before the attempt is claimed). */
  private async beatWhileBusy(id: string): Promise<void> {
    const wasIdle = this.running.size === 0;
    this.running.add(id);
    if (wasIdle) {
      const beat = () =>
        this.instances.updateOne({ _id: this.instanceId }, { $set: { beatAt: new Date() } }, { upsert: true });
      this.firstBeat = beat().then(() => {
        if (this.heartbeat === undefined && this.running.size > 0) {
          this.heartbeat = setInterval(() => void beat().catch(() => {}), HEARTBEAT_EVERY_MS);
          this.heartbeat.unref();
        }
      });
    }
    try {
      await this.firstBeat;
    } catch (error) {
      this.idle(id);
      throw error;
    }
  }

  /** The attempt is no longer running here; the last one stops the heartbeat. */
  private idle(id: string): void {
    this.running.delete(id);
    if (this.running.size === 0 && this.heartbeat !== undefined) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /**
   * Ends an attempt: not running here any more (enough for retries reaching this instance), and marked ended for
   * other instances. Not awaited: when the database is what failed, waiting for it would only delay the 503.
   */
  private async end(id: string, now: Date): Promise<void> {
    this.idle(id);
    void this.records.updateOne({ _id: id }, { $set: { endedAt: now } }).catch(() => {});
  }

  private remember(set: Set<string>, id: string): void {
    if (set.size >= 10_000) set.clear();
    set.add(id);
  }

  /** The highest-numbered attempt claim of a record (number 0 and no document when there is none). */
  private async newestAttempt(recordId: string): Promise<{ number: number; document: IdempotencyDocument | null }> {
    let number = 0;
    let document: IdempotencyDocument | null = null;
    for (;;) {
      const next = await this.records.findOne({ _id: attemptId(recordId, number + 1) });
      if (!next) return { number, document };
      number += 1;
      document = next;
    }
  }
}

const attemptId = (recordId: string, n: number) => `${recordId}:attempt:${n}`;

const asDocuments = (records: mongo.Collection<IdempotencyDocument>) =>
  records as unknown as mongo.Collection<mongo.Document>;

/** The sealed result when the record is finished; throws when the key was used for another body. */
function checkRecord(record: IdempotencyDocument | null, fingerprint: string): Buffer | undefined {
  if (!record || record.fingerprint !== fingerprint) {
    throw new Conflict('idempotency_key_reused', 'This Idempotency-Key was used for a different upload.');
  }
  return record.state === 'done' && record.result ? toBuffer(record.result) : undefined;
}

function uploadInProgress(waitMs: number): AppError {
  return new AppError(
    409,
    'upload_in_progress',
    'The first upload with this Idempotency-Key is still running.',
    undefined,
    { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  );
}
