// Shapes of the membership routes: the rules' own schemas (policies/members/membership.ts) and the register.
import { z } from 'zod';
import { membershipSchema } from '../auth/auth.schema.js';

export {
  admissionSchema as admitBody,
  decisionReasonSchema as reasonBody,
  resignationSchema as resignationBody,
} from '../../../../policies/members/membership.js';

export const membershipRulesResponse = z.object({
  shareCapital: z.object({ amount: z.number().int(), currency: z.string() }),
  admittedBy: z.literal('steward'),
  identityMethods: z.array(z.string()),
  resignationNoticeDays: z.number().int(),
});

export const registerQuery = z.strictObject({
  status: z.enum(['applicant', 'admitted', 'refused', 'resigned', 'excluded', 'all']).default('applicant'),
});

export const memberIdParams = z.object({ id: z.uuid() });

export const registerEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  membership: membershipSchema,
  possibleDuplicates: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: membershipSchema.shape.status,
        reasons: z.array(z.enum(['same_mailbox', 'same_name_birth_year'])),
      }),
    )
    .optional()
    .describe('Applicants: account holders who may be the same person (one person, one membership)'),
});
