// Shapes of the proxy endpoints (Art. 886 CO); also the source of their OpenAPI description.
import { z } from 'zod';

export const nameProxyBody = z.strictObject({
  proxyEmail: z
    .email()
    .max(254)
    .describe('The e-mail address of the member you name; one answer for every address that is not a voter'),
});

export const mandateSchema = z.object({
  proposalId: z.string(),
  asPrincipal: z
    .object({
      proxyId: z.string(),
      namedAt: z.string(),
      votedByProxy: z.boolean().describe('Your proxy has cast your ballot (your own ballot would replace it)'),
      receipt: z.string().nullable().describe('The receipt of the ballot your proxy cast for you'),
    })
    .nullable(),
  asProxy: z
    .object({ principalId: z.string(), namedAt: z.string(), voted: z.boolean() })
    .nullable()
    .describe('The member who named you as proxy on this proposal'),
});

export const proxyReceiptSchema = z.object({
  proposalId: z.string(),
  receipt: z.string().describe('SHA-256 of the secret your client drew; the member you represent sees it too'),
  choice: z.enum(['yes', 'no', 'abstain']),
  changed: z.boolean(),
});
