// Per-process memory of what the vault already read: opened chunks by chunk id and members' newest directories.
//
// Why: every read of the database is a round trip (and on the embedded one, anything but `_id` a scan of its table:
// services/db/document-reads.ts), and a chunk document is the largest thing the service reads — a member's year of one category is twelve such reads per
// request. A chunk never changes once written (fresh id per upload, never updated, never reused), so an opened chunk
// can be kept without ever being stale, on any number of instances. What keeps erasure safe: every vault read first
// loads the member's data key (`Vault.memberKey`, 404 once the account is erased), so a cached chunk is only ever
// served to the living owner; erasure in this process also drops the member's entries. Nothing here is written
// anywhere: plaintext stays in this process's memory, bounded by a row budget (least recently used out first).
import type { DaySummary } from './chunk-summary.js';
import type { ChunkTotals } from './chunk-totals.js';
import type { SeriesPoint } from './series.js';
import type { Head, StoredObservation } from './vault.model.js';

/**
 * Observations kept at most. Measured (bench:import, 2026-12-07): a full cache of 200,000 rows held about 160 MB of
 * heap (≈ 800 bytes a row in V8, not the 200 once assumed), so the default is 50,000 rows, about 40 MB.
 */
export const DEFAULT_CACHED_ROWS = 50_000;
/**
 * Directory entries kept at most, over all members' directories (a directory weighs its number of chunks, each
 * entry ≈ 200 bytes: about 10 MB). A member with a year of every category lists ~130 chunks, the research
 * benchmark's members 3: research over a cohort whose directories all fit checks each by one probe of its next version.
 */
export const DEFAULT_CACHED_HEAD_REFS = 50_000;
/** Day summaries kept at most (a few hundred bytes each: about 10 MB; a month of one category is ≤ 31). */
export const DEFAULT_CACHED_SUMMARY_DAYS = 30_000;
/**
 * Whole-chunk totals kept at most (one per chunk, a few hundred bytes: about 6 MB): a research query over one category
 * of 5,000 members with a year of data touches 5,000 × 12 chunks at most, the benchmark's 10,000.
 */
export const DEFAULT_CACHED_CHUNK_TOTALS = 20_000;
/** Series points kept at most (≈ 150 bytes each: about 8 MB; a year of daily points is 365). */
export const DEFAULT_CACHED_SERIES_POINTS = 50_000;

interface CachedSummary {
  memberId: string;
  category: string;
  month: string;
  days: readonly DaySummary[];
}

interface CachedTotals {
  memberId: string;
  category: string;
  month: string;
  totals: ChunkTotals;
}

interface CachedChunk {
  memberId: string;
  category: string;
  month: string;
  rows: readonly StoredObservation[];
}

/** A least-recently-used map: `Map` keeps insertion order, so a hit is moved to the end and eviction takes the front. */
class Lru<V> {
  private readonly entries = new Map<string, V>();
  private used = 0;

  constructor(
    private readonly budget: number,
    private readonly weigh: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.budget) return;
    this.delete(key);
    this.entries.set(key, value);
    this.used += weight;
    for (const [oldest, evicted] of this.entries) {
      if (this.used <= this.budget) break;
      this.entries.delete(oldest);
      this.used -= this.weigh(evicted);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.used -= this.weigh(value);
  }

  deleteWhere(test: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (test(key)) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Opened chunks (immutable, by id) and the newest directory seen per member (checked against the database on use). */
export class VaultReadCache {
  private readonly chunks: Lru<CachedChunk>;
  private readonly heads: Lru<Head>;
  /** Opened chunk summaries (immutable, by chunk id), weighed by their days. */
  private readonly summaries: Lru<CachedSummary>;
  /** Whole-chunk totals (immutable, by chunk id), for research over periods that contain the chunk. */
  private readonly totals: Lru<CachedTotals>;
  /** Computed series by member and content tag (content-tag.ts: member, directory version and query). */
  private readonly seriesAnswers: Lru<readonly SeriesPoint[]>;

  constructor(
    options: {
      maxRows?: number;
      maxHeadRefs?: number;
      maxSeriesPoints?: number;
      maxSummaryDays?: number;
      maxChunkTotals?: number;
    } = {},
  ) {
    this.totals = new Lru(options.maxChunkTotals ?? DEFAULT_CACHED_CHUNK_TOTALS, () => 1);
    this.chunks = new Lru(options.maxRows ?? DEFAULT_CACHED_ROWS, (c) => Math.max(1, c.rows.length));
    this.heads = new Lru(options.maxHeadRefs ?? DEFAULT_CACHED_HEAD_REFS, (head) => Math.max(1, head.chunks.length));
    this.summaries = new Lru(options.maxSummaryDays ?? DEFAULT_CACHED_SUMMARY_DAYS, (s) => Math.max(1, s.days.length));
    this.seriesAnswers = new Lru(options.maxSeriesPoints ?? DEFAULT_CACHED_SERIES_POINTS, (p) => Math.max(1, p.length));
  }

  /** The series computed before for this member and tag (the tag names the directory version and the query). */
  series(memberId: string, tag: string): SeriesPoint[] | undefined {
    return this.seriesAnswers.get(`${memberId}|${tag}`) as SeriesPoint[] | undefined;
  }

  rememberSeries(memberId: string, tag: string, points: SeriesPoint[]): void {
    this.seriesAnswers.set(`${memberId}|${tag}`, Object.freeze(points));
  }

  /** The opened rows of a chunk, if this process read it before for the same member, category and month. */
  chunk(id: string, memberId: string, category: string, month: string): readonly StoredObservation[] | undefined {
    const cached = this.chunks.get(id);
    if (!cached) return undefined;
    // The directory is sealed under the member's key, so this cannot differ; checked anyway, as the database read is.
    if (cached.memberId !== memberId || cached.category !== category || cached.month !== month) return undefined;
    return cached.rows;
  }

  rememberChunk(id: string, memberId: string, category: string, month: string, rows: StoredObservation[]): void {
    this.chunks.set(id, { memberId, category, month, rows: Object.freeze(rows) });
  }

  /** The opened summary of a chunk, if this process read it before for the same member, category and month. */
  summary(id: string, memberId: string, category: string, month: string): readonly DaySummary[] | undefined {
    const cached = this.summaries.get(id);
    if (!cached || cached.memberId !== memberId || cached.category !== category || cached.month !== month) {
      return undefined;
    }
    return cached.days;
  }

  rememberSummary(id: string, memberId: string, category: string, month: string, days: DaySummary[]): void {
    this.summaries.set(id, { memberId, category, month, days: Object.freeze(days) });
  }

  /** A chunk's whole-chunk totals, if this process opened its summary before for the same member, category and month. */
  chunkTotals(id: string, memberId: string, category: string, month: string): ChunkTotals | undefined {
    const cached = this.totals.get(id);
    if (!cached || cached.memberId !== memberId || cached.category !== category || cached.month !== month) {
      return undefined;
    }
    return cached.totals;
  }

  rememberChunkTotals(id: string, memberId: string, category: string, month: string, totals: ChunkTotals): void {
    this.totals.set(id, { memberId, category, month, totals: Object.freeze(totals) });
  }

  /** The newest directory this process has seen for the member (the caller checks that no newer version exists). */
  head(memberId: string): Head | undefined {
    return this.heads.get(memberId);
  }

  rememberHead(memberId: string, head: Head): void {
    if (head.version > 0)
      this.heads.set(memberId, Object.freeze({ version: head.version, chunks: Object.freeze(head.chunks) }) as Head);
  }

  /** Drops everything of a member (on erasure). Chunk ids begin with the member id. */
  forgetMember(memberId: string): void {
    this.heads.delete(memberId);
    this.chunks.deleteWhere((id) => id.startsWith(`${memberId}:`));
    this.summaries.deleteWhere((id) => id.startsWith(`${memberId}:`));
    this.totals.deleteWhere((id) => id.startsWith(`${memberId}:`));
    this.seriesAnswers.deleteWhere((key) => key.startsWith(`${memberId}|`));
  }

  get sizes(): { chunks: number; heads: number; series: number; summaries: number; totals: number } {
    return {
      totals: this.totals.size,
      chunks: this.chunks.size,
      heads: this.heads.size,
      series: this.seriesAnswers.size,
      summaries: this.summaries.size,
    };
  }
}
