// Loads the demo cooperative (fixtures/demo-cooperative.json) into an empty database; idempotent.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { generateObservations } from '../../fixtures/demo-observations.js';
import type { Vault } from '../vault/vault.js';
import type { Accounts } from './accounts.js';

/** How much history each demo member gets (kept to a year so start-up stays fast). */
const DEMO_HISTORY_DAYS = 365;

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

/**
 * Creates every demo account that does not exist yet (returns how many were created) and, given the vault, a
 * year of generated observations for each demo member whose vault is still empty.
 */
export async function seedDemoCooperative(
  accounts: Accounts,
  fixturePath: string,
  now: () => Date,
  vault?: Vault,
): Promise<number> {
  const demo = demoSchema.parse(JSON.parse(readFileSync(fixturePath, 'utf8')));
  let created = 0;
  let stewardId = await accounts.findIdByEmail(demo.steward.email);
  if (!stewardId) {
    stewardId = (await accounts.createSteward(demo.steward, now())).id;
    created++;
  }
  for (const [index, member] of demo.members.entries()) {
    let id = await accounts.findIdByEmail(member.email);
    if (!id) {
      id = (await accounts.register({ ...member, role: 'member' }, now())).id;
      created++;
    }
    if (vault && (await vault.isEmpty(id))) {
      const to = now();
      const from = new Date(to.getTime() - DEMO_HISTORY_DAYS * 86_400_000);
      // Every fourth member measures blood glucose, so the demo shows a laboratory category too.
      await vault.storeObservations(
        id,
        generateObservations({ seed: member.email, glucose: index % 4 === 1 }, { from, to }),
      );
    }
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
