// What erasure stores itself: one claim per erased member, under a blind index (never the member id).
export const ERASURE_COLLECTION = 'erasures';

/** `_id` is the blind index `erasure` of the member id. */
export interface ErasureClaim {
  _id: string;
  erasedAt: Date;
}
