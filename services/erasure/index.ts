// Erasure's public interface: one use case that calls every context for its part of a member's erasure.
import { eraseMember, type EraseMemberDeps } from './erase-member.js';

export type { EraseMemberDeps } from './erase-member.js';

/** Erasure bound to its dependencies. */
export interface Erasure {
  /** Erases an account and all of its member's data after the password is re-entered (NotFound, invalid_credentials). */
  eraseMember(memberId: string, password: string, now: Date): Promise<void>;
}

/** Binds the erasure use case once. */
export function createErasure(deps: EraseMemberDeps): Erasure {
  return { eraseMember: (memberId, password, now) => eraseMember(deps, memberId, password, now) };
}
