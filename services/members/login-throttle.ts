// Slows password guessing without letting anyone lock an owner out: growing delays per (account, address) and per
// account, a budget per address that accounts already used from that address do not depend on.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { claimOnce, takeSlot } from '../db/claims.js';
import { TooManyRequests } from '../errors.js';
import type { ThrottleDocument } from './throttle.model.js';

export interface LoginThrottleOptions {
  windowSeconds: number;
  /** Failures of one account from one address before each further attempt waits (2 s, 4 s, 8 s … the window). */
  maxFailuresPerAccount: number;
  /** Attempts (log-ins and registrations) per address and window; over it, only accounts known there log in. */
  maxAttemptsPerIp: number;
}

/** The account-wide tier (failures from every address) starts this many times later than the per-address one. */
export const ACCOUNT_WIDE_FACTOR = 4;
/** Longest delay of the account-wide tier: a distributed attack slows the owner by a minute at most. */
export const ACCOUNT_WIDE_MAX_DELAY_SECONDS = 60;
/** How long a successful log-in makes an (account, address) pair known: exempt from the address's budget. */
export const KNOWN_ADDRESS_DAYS = 30;

/** Seconds to wait before the next attempt after `failures` failures, the first `free` of them without a wait. */
export function delayAfter(failures: number, free: number, maxSeconds: number): number {
  if (failures < free) return 0;
  return Math.min(2 ** Math.min(failures - free + 1, 30), maxSeconds);
}

/** One attempt let through: what to record once its outcome is known. */
export interface Attempt {
  readonly pairKey: string;
  readonly accountKey: string;
  readonly knownKey: string;
  /**
   * Set when the address is over its budget and the attempt came through only because the account is known there:
   * a wrong password must then be answered as over-limit (429 after this many seconds), as for any other account,
   * so the exemption reveals nothing about which accounts use the address.
   */
  overBudgetRetryAfter?: number;
}

/**
 * Subjects arrive blind-indexed (no e-mail or IP is stored). Failures are inserted, never updated; the count of
 * one subject's recent failures decides its delay, and once it has failed, one attempt at a time per failure count
 * goes ahead (a claimed turn), so a burst cannot try many passwords during one delay. The address budget is fixed
 * windows of numbered slots (db/claims.ts), exact under concurrency.
 */
export class LoginThrottle {
  private lastCleanup = 0;

  constructor(
    private readonly model: Model<ThrottleDocument>,
    private readonly options: LoginThrottleOptions,
  ) {}

  /** Lets one log-in attempt through, or throws TooManyRequests with the seconds until the next may come. */
  async beforeAttempt(accountIndex: string, ipIndex: string, now: Date): Promise<Attempt> {
    let attempt: Attempt = {
      pairKey: `pair:${accountIndex}:${ipIndex}`,
      accountKey: `account:${accountIndex}`,
      knownKey: `known:${accountIndex}:${ipIndex}`,
    };
    const known = (await this.model.exists({ _id: attempt.knownKey, expiresAt: { $gt: now } })) !== null;
    // An address over its budget (one NAT in front of a whole assembly, hammered by one machine) still lets in the
    // accounts that logged in from it before; others wait for the window.
    try {
      await this.countAddress(ipIndex, now);
    } catch (error) {
      if (!known || !(error instanceof TooManyRequests)) throw error;
      attempt = { ...attempt, overBudgetRetryAfter: error.retryAfterSeconds };
    }
    const { windowSeconds, maxFailuresPerAccount } = this.options;
    await this.waitTurn(attempt.pairKey, maxFailuresPerAccount, windowSeconds, now);
    await this.waitTurn(
      attempt.accountKey,
      maxFailuresPerAccount * ACCOUNT_WIDE_FACTOR,
      Math.min(windowSeconds, ACCOUNT_WIDE_MAX_DELAY_SECONDS),
      now,
    );
    return attempt;
  }

  /** Counts one registration from the address against its attempts; TooManyRequests once the budget is spent. */
  async beforeRegistration(ipIndex: string, now: Date): Promise<void> {
    await this.countAddress(ipIndex, now);
  }

  /** Records a failed password (or unknown account) for the pair and the account. */
  async recordFailure(attempt: Attempt, now: Date): Promise<void> {
    const expiresAt = new Date(now.getTime() + this.options.windowSeconds * 1000);
    await this.model.insertMany(
      [attempt.pairKey, attempt.accountKey].map((key) => ({
        _id: `fail:${key}:${randomUUID()}`,
        key,
        at: now,
        expiresAt,
      })),
    );
  }

  /** A right password: clears the account's failures from this address and account-wide, and knows the address. */
  async recordSuccess(attempt: Attempt, now: Date): Promise<void> {
    // Failures from other addresses stay: the owner logging in does not reset an attacker's delay elsewhere.
    await this.model.deleteMany({ key: { $in: [attempt.pairKey, attempt.accountKey] } });
    const expiresAt = new Date(now.getTime() + KNOWN_ADDRESS_DAYS * 86_400_000);
    await this.model.updateOne({ _id: attempt.knownKey }, { $set: { expiresAt } }, { upsert: true });
  }

  /**
   * The owner's unlock link (mailed when their account is slowed down): clears the account-wide failures and those
   * of the account from the owner's own address. Failures from other addresses stay, so an attacker elsewhere keeps
   * waiting.
   */
  async unlock(accountIndex: string, ipIndex: string): Promise<void> {
    await this.model.deleteMany({ key: { $in: [`pair:${accountIndex}:${ipIndex}`, `account:${accountIndex}`] } });
  }

  // Recent failures of `key` decide whether (and how long) this attempt must wait; after a failure, the attempt
  // claims the turn of that failure count, so concurrent attempts cannot all go ahead.
  private async waitTurn(key: string, free: number, maxSeconds: number, now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.options.windowSeconds * 1000);
    const failures = await this.model.find({ key, at: { $gt: since }, _id: { $regex: /^fail:/ } }, { at: 1 }).lean();
    if (failures.length === 0) return;
    const last = Math.max(...failures.map((failure) => failure.at!.getTime()));
    const readyAt = last + delayAfter(failures.length, free, maxSeconds) * 1000;
    if (now.getTime() < readyAt) throw new TooManyRequests((readyAt - now.getTime()) / 1000);
    const expiresAt = new Date(now.getTime() + this.options.windowSeconds * 1000);
    if (!(await claimOnce(this.model.collection, `turn:${key}:${failures.length}:${last}`, { key, expiresAt }))) {
      throw new TooManyRequests(1);
    }
  }

  /** Takes one of the address's slots in the current window (log-ins and registrations share them). */
  private async countAddress(ipIndex: string, now: Date): Promise<void> {
    const size = this.options.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / size) * size;
    this.cleanupOccasionally(now);
    const slot = await takeSlot(this.model.collection, `ip:${ipIndex}:${start}`, this.options.maxAttemptsPerIp, {
      expiresAt: new Date(start + size),
    });
    if (slot === null) throw new TooManyRequests((start + size - now.getTime()) / 1000);
  }

  private cleanupOccasionally(now: Date): void {
    if (now.getTime() - this.lastCleanup < 60_000) return;
    this.lastCleanup = now.getTime();
    this.model.deleteMany({ expiresAt: { $lt: now } }).catch(() => {});
  }
}
