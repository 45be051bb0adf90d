// Loads the demo cooperative (fixtures/demo-cooperative.json) into an empty database; idempotent.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Accounts } from './accounts.js';

const person = z.object({ email: z.string(), password: z.string(), name: z.string() });
const demoSchema = z.object({
  steward: person,
  members: z.array(
    person.extend({
      birthYear: z.number().int().optional(),
      sex: z.enum(['female', 'male', 'other', 'unspecified']).optional(),
      region: z.enum(['CH01', 'CH02', 'CH03', 'CH04', 'CH05', 'CH06', 'CH07', 'other']).optional(),
    }),
  ),
  researchers: z.array(person.extend({ organisation: z.string(), nonProfit: z.boolean(), verified: z.boolean() })),
});

/** Creates every demo account that does not exist yet; returns how many were created. */
export async function seedDemoCooperative(accounts: Accounts, fixturePath: string, now: () => Date): Promise<number> {
  const demo = demoSchema.parse(JSON.parse(readFileSync(fixturePath, 'utf8')));
  let created = 0;
  let stewardId = await accounts.findIdByEmail(demo.steward.email);
  if (!stewardId) {
    stewardId = (await accounts.createSteward(demo.steward, now())).id;
    created++;
  }
  for (const member of demo.members) {
    if (await accounts.findIdByEmail(member.email)) continue;
    await accounts.register({ ...member, role: 'member' }, now());
    created++;
  }
  for (const { verified, nonProfit, ...researcher } of demo.researchers) {
    if (await accounts.findIdByEmail(researcher.email)) continue;
    const account = await accounts.register({ ...researcher, role: 'researcher' }, now());
    if (verified) {
      await accounts.verifyResearcher(
        account.id,
        { organisation: researcher.organisation, nonProfit },
        stewardId,
        now(),
      );
    }
    created++;
  }
  return created;
}
