// Limits log-in attempts per account (failures) and per client address, exactly, across all service instances.
import type { Model } from 'mongoose';
import { isSlotTaken, releaseSlots, takeSlot } from '../db/claims.js';
import { TooManyRequests } from '../errors.js';
import type { ThrottleDocument } from './throttle.model.js';

export interface LoginThrottleOptions {
  windowSeconds: number;
  maxFailuresPerAccount: number;
  maxAttemptsPerIp: number;
}

/**
 * Fixed windows of numbered slots (see db/claims.ts): each attempt or failure takes one slot, so the count is
 * exact even when many requests race. Subjects arrive already blind-indexed: no e-mail or IP is stored.
 */
export class LoginThrottle {
  private lastCleanup = 0;

  constructor(
    private readonly model: Model<ThrottleDocument>,
    private readonly options: LoginThrottleOptions,
  ) {}

  /** Counts one attempt from the address and throws TooManyRequests if the address or the account is over its limit. */
  async beforeAttempt(accountIndex: string, ipIndex: string, now: Date): Promise<void> {
    const window = await this.countAddress(ipIndex, now);
    const accountPrefix = `account:${accountIndex}:${window.start}`;
    if (await isSlotTaken(this.model.collection, accountPrefix, this.options.maxFailuresPerAccount)) {
      throw new TooManyRequests(window.retryAfter);
    }
  }

  /** Counts one registration from the address against its attempts; TooManyRequests once the budget is spent. */
  async beforeRegistration(ipIndex: string, now: Date): Promise<void> {
    await this.countAddress(ipIndex, now);
  }

  /** Records a failed password for the account. */
  async recordFailure(accountIndex: string, now: Date): Promise<void> {
    const window = this.window(now);
    await takeSlot(
      this.model.collection,
      `account:${accountIndex}:${window.start}`,
      this.options.maxFailuresPerAccount,
      {
        expiresAt: window.end,
      },
    );
  }

  /** Clears the account's failures after a successful log-in. */
  async recordSuccess(accountIndex: string, now: Date): Promise<void> {
    const prefix = `account:${accountIndex}:${this.window(now).start}`;
    await releaseSlots(this.model.collection, prefix, this.options.maxFailuresPerAccount);
  }

  /** Takes one of the address's slots in the current window (log-ins and registrations share them). */
  private async countAddress(ipIndex: string, now: Date) {
    const window = this.window(now);
    this.cleanupOccasionally(now);
    const slot = await takeSlot(this.model.collection, `ip:${ipIndex}:${window.start}`, this.options.maxAttemptsPerIp, {
      expiresAt: window.end,
    });
    if (slot === null) throw new TooManyRequests(window.retryAfter);
    return window;
  }

  private window(now: Date) {
    const size = this.options.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / size) * size;
    return { start, end: new Date(start + size), retryAfter: (start + size - now.getTime()) / 1000 };
  }

  private cleanupOccasionally(now: Date): void {
    if (now.getTime() - this.lastCleanup < 60_000) return;
    this.lastCleanup = now.getTime();
    this.model.deleteMany({ expiresAt: { $lt: now } }).catch(() => {});
  }
}
