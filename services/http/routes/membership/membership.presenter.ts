// The register of members as it leaves the server: names and steps of membership, never data or e-mail.
import type { z } from 'zod';
import type { RegisterEntry } from '../../../members/index.js';
import { presentMembership } from '../auth/account.presenter.js';
import type { registerEntrySchema } from './membership.schema.js';

/** Whitelists one line of the register (with duplicate hints for applicants). */
export function presentRegisterEntry(entry: RegisterEntry, now: Date): z.infer<typeof registerEntrySchema> {
  return {
    id: entry.id,
    name: entry.name,
    membership: presentMembership(entry.admission, now),
    ...(entry.possibleDuplicates && {
      possibleDuplicates: entry.possibleDuplicates.map((d) => ({
        id: d.id,
        name: d.name,
        status: d.status,
        reasons: [...d.reasons],
      })),
    }),
  };
}
