// Shapes of the caller's own account endpoints.
import { z } from 'zod';
import { birthYearSchema, nameSchema, organisationSchema, regionSchema, sexSchema } from '../auth/auth.schema.js';

/** What a person may change about themselves: never role, e-mail, status or verification. */
export const patchMeBody = z
  .strictObject({
    name: nameSchema.optional(),
    birthYear: birthYearSchema.optional(),
    sex: sexSchema.optional(),
    region: regionSchema.optional(),
    organisation: organisationSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'Send at least one field to change.',
    // Only when the fields themselves are fine, so an unknown field is reported alone.
    when: (payload) => payload.issues.length === 0,
  });
