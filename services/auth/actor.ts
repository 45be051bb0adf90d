// Who is calling: the caller behind a valid access token, as every context receives it from the HTTP edge.
import type { MembershipState, Role } from './token-service.js';

export type { MembershipState, Role } from './token-service.js';

/**
 * The caller behind a valid access token, as the token states it: its state was read when the token was issued, and
 * any later change of it (or the end of the session) makes the token stale — see auth/revocations.ts.
 */
export interface Actor {
  userId: string;
  sessionId: string;
  role: Role;
  researcherVerified: boolean;
  /** Members: the membership record (the assembly checks eligibility with it). */
  membership?: MembershipState;
  /** The session's log-in passed a second factor (stewards need it for their routes, see api-router.ts). */
  secondFactor?: boolean;
  /** When the session last authenticated (log-in or step-up), epoch ms; absent in tokens from before step-up. */
  authTime?: number;
}
