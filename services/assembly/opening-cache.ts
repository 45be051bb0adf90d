// The ballot path's per-instance cache of openings: every ballot needs its proposal's opening, which never changes
// except its deadline, and that only moves later.
import type { OpeningCache, TransitionDocument } from './assembly.model.js';

/** How long an instance reuses a proposal's opening on the ballot path. */
const OPENING_CACHE_MS = 1_000;
const MAX_ENTRIES = 1_000;

/**
 * Openings cached for a second. A stale copy can refuse a ballot just after an extension (the member retries),
 * never accept a late one.
 */
export class OpeningMemo implements OpeningCache {
  private readonly entries = new Map<string, { transition: TransitionDocument; readAt: number; until: number }>();

  /** The cached opening, if it was read no later than `now` and is still fresh. */
  get(id: string, now: Date): TransitionDocument | undefined {
    const cached = this.entries.get(id);
    if (cached && cached.until > now.getTime() && cached.readAt <= now.getTime()) return cached.transition;
    return undefined;
  }

  /** Remembers an opening as read at `now`. */
  set(id: string, transition: TransitionDocument, now: Date): void {
    if (this.entries.size > MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { transition, readAt: now.getTime(), until: now.getTime() + OPENING_CACHE_MS });
  }

  /** Forgets an opening whose deadline this instance just moved. */
  forget(id: string): void {
    this.entries.delete(id);
  }
}
