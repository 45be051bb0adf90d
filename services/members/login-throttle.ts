// Limits log-in attempts per account (failures) and per client address, across all service instances.
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../db/connection.js';
import { TooManyRequests } from '../errors.js';
import type { ThrottleDocument } from './throttle.model.js';

export interface LoginThrottleOptions {
  windowSeconds: number;
  maxFailuresPerAccount: number;
  maxAttemptsPerIp: number;
}

/** Counts attempts in fixed windows stored in the database; subjects arrive already blind-indexed. */
export class LoginThrottle {
  private lastCleanup = 0;

  constructor(
    private readonly model: Model<ThrottleDocument>,
    private readonly options: LoginThrottleOptions,
  ) {}

  /** Counts one attempt from `ipIndex` and throws TooManyRequests if the address or the account is over its limit. */
  async beforeAttempt(accountIndex: string, ipIndex: string, now: Date): Promise<void> {
    const window = this.window(now);
    this.cleanupOccasionally(now);
    const ipCount = await this.increment(`ip:${ipIndex}:${window.start}`, window.end);
    if (ipCount > this.options.maxAttemptsPerIp) throw new TooManyRequests(window.retryAfter);
    const account = await this.model.findById(`account:${accountIndex}:${window.start}`).lean();
    if ((account?.count ?? 0) >= this.options.maxFailuresPerAccount) throw new TooManyRequests(window.retryAfter);
  }

  /** Records a failed password for the account. */
  async recordFailure(accountIndex: string, now: Date): Promise<void> {
    const window = this.window(now);
    await this.increment(`account:${accountIndex}:${window.start}`, window.end);
  }

  /** Clears the account's failures after a successful log-in. */
  async recordSuccess(accountIndex: string, now: Date): Promise<void> {
    await this.model.deleteOne({ _id: `account:${accountIndex}:${this.window(now).start}` });
  }

  private window(now: Date) {
    const size = this.options.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / size) * size;
    return { start, end: new Date(start + size), retryAfter: (start + size - now.getTime()) / 1000 };
  }

  private async increment(id: string, expiresAt: Date): Promise<number> {
    const update = { $inc: { count: 1 }, $setOnInsert: { expiresAt } };
    try {
      const doc = await this.model.findOneAndUpdate({ _id: id }, update, { upsert: true, returnDocument: 'after' }).lean();
      return doc!.count;
    } catch (error) {
      // Two first attempts raced on the upsert; the loser's retry finds the document.
      if (!isDuplicateKey(error)) throw error;
      const doc = await this.model.findOneAndUpdate({ _id: id }, update, { upsert: true, returnDocument: 'after' }).lean();
      return doc!.count;
    }
  }

  private cleanupOccasionally(now: Date): void {
    if (now.getTime() - this.lastCleanup < 60_000) return;
    this.lastCleanup = now.getTime();
    this.model.deleteMany({ expiresAt: { $lt: now } }).catch(() => {});
  }
}
