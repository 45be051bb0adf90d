// Micro-batching: the calls that arrive in one turn of the event loop are served by one database operation.
//
// On FerretDB every operation is a round trip, a table scan (reads) or a commit of its own (writes); when many
// requests need the same kind of operation at once, one operation for all of them keeps the cost per request flat
// under load. At most `maxInFlight` batches run at once; what arrives meanwhile forms the next batch.

/** One item's outcome: its value, or the error that item alone failed with. */
export type Settled<T> = { value: T } | { error: unknown };

export interface MicroBatchOptions {
  /** Largest batch handed to the operation at once. */
  maxBatch?: number;
  /** Batches running at once. */
  maxInFlight?: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/** Serves `submit` calls in batches by `run`, which answers for every item of a batch, in order. */
export class MicroBatch<In, Out> {
  private queue: Waiting<In, Out>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  /** `run` settles each item on its own; if it throws, every item of the batch fails with that error. */
  constructor(
    private readonly run: (items: In[]) => Promise<Settled<Out>[]>,
    options: MicroBatchOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  submit(item: In): Promise<Out> {
    const { promise, resolve, reject } = Promise.withResolvers<Out>();
    this.queue.push({ item, resolve, reject });
    this.schedule();
    return promise;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the calls that arrive in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.serve(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }

  private async serve(batch: Waiting<In, Out>[]): Promise<void> {
    let outcomes: Settled<Out>[];
    try {
      outcomes = await this.run(batch.map((waiting) => waiting.item));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (outcome && 'value' in outcome) waiting.resolve(outcome.value);
      else waiting.reject(outcome ? outcome.error : new Error('batch answered no outcome for this item'));
    });
  }
}
