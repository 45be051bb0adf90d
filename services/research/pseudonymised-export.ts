// Record-level export under per-study pseudonyms, a stated, bounded mode (docs/research.md): throttle → decide →
// audit the decision (no ε is spent), then every in-scope observation of the included members, values rounded to the
// catalogue's decimals, the profile k-anonymous (k = the policy's cell size) or nothing at all, records shuffled,
// pseudonymised with a key that exists only for this policy.
import { randomInt, randomUUID } from 'node:crypto';
import { type Category, findCategory } from '../../policies/observations/catalogue.js';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { memberIncluded } from '../../policies/research/consent.js';
import type { AccessRequest } from '../../policies/research/decide.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import { type Generalisation, kAnonymise } from '../../policies/research/k-anonymity.js';
import { pseudonymiseObservation, type PseudonymisedRecord } from '../../policies/research/pseudonym.js';
import type { Actor } from '../auth/index.js';
import { Forbidden } from '../errors.js';
import type { MemberDirectory } from '../members/index.js';
import type { ApprovedPolicies } from './approved-policies.js';
import { type CohortDeps, observationsIn, readCohort } from './cohort.js';
import { appendOrFail, auditDecision, decideRequest, refusal, type ResearchAudit } from './decision-gate.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { PolicyKeys } from './policy-keys.js';
import type { QueryThrottle } from './query-throttle.js';
import type { UseRecords } from './use-records.js';

export interface ExportDeps {
  throttle: QueryThrottle;
  policies: ApprovedPolicies;
  ledger: EpsilonLedger;
  audit: ResearchAudit;
  policyKeys: PolicyKeys;
  cohort: CohortDeps;
  members: Pick<MemberDirectory, 'researchProfileOf'>;
  uses: UseRecords;
}

/** What an export returns (the route presents it). */
export interface ExportAnswer {
  policyId: string;
  policyVersion: number;
  category: string;
  /** k: every released profile combination is shared by at least this many members. */
  minimumCohort: number;
  /** How each profile field the policy names was released: exact, widened or withheld. */
  generalisation: Generalisation;
  records: PseudonymisedRecord[];
}

/** The observation with its value (or components) rounded to the category's decimals, as the catalogue shows it. */
function roundedTo(observation: NormalisedObservation, category: Category): NormalisedObservation {
  const round = (v: number) => Number(v.toFixed(category.decimals)) + 0;
  if (observation.components !== undefined) {
    const components = Object.fromEntries(Object.entries(observation.components).map(([k, v]) => [k, round(v)]));
    return { ...observation, components };
  }
  return observation.value === undefined ? observation : { ...observation, value: round(observation.value) };
}

/** Fisher–Yates with crypto.randomInt. */
function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
export async function exportRecords(
  deps: ExportDeps,
  actor: Actor,
  policyId: string,
  input: { category: string; from?: string | undefined; to?: string | undefined },
  now: Date,
): Promise<ExportAnswer> {
  await deps.throttle.take(actor.userId, now);
  const approved = await deps.policies.find(policyId, now);
  const request: AccessRequest = {
    researcherId: actor.userId,
    policyId,
    category: input.category,
    ...(input.from !== undefined && { from: input.from }),
    ...(input.to !== undefined && { to: input.to }),
    level: 'pseudonymised',
  };
  const decision = await decideRequest(deps.ledger, actor, approved, request, now);
  const queryId = randomUUID();
  const subject = { queryId, policyId, category: input.category, export: true };
  await auditDecision(deps.audit, actor, subject, decision, now);
  if (decision.decision === 'deny' || !approved)
    throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
  const policy = approved.policy;
  const key = await deps.policyKeys.keyFor(policyId, now);
  const from = new Date(decision.period.from);
  const to = new Date(decision.period.to);
  const cohort = await readCohort(deps.cohort);
  const included = cohort.members.filter(
    (m) => memberIncluded(m.history, policy, input.category, now, 'pseudonymised').included,
  );
  const byId = new Map(included.map((m) => [m.id, m]));
  const category = findCategory(input.category)!;
  const rows: { memberId: string; observation: NormalisedObservation }[] = [];
  for (const [memberId, observations] of await observationsIn(deps.cohort, included, {
    category: input.category,
    from,
    to,
  })) {
    for (const observation of observations) rows.push({ memberId, observation: roundedTo(observation, category) });
  }
  // k-anonymity over the members who appear in the export, with k = the policy's cell size (≥ the bylaws').
  const contributors = [...new Set(rows.map((r) => r.memberId))].sort();
  const profiles = contributors.map((id) => groupValuesOf(deps.members.researchProfileOf(byId.get(id)!), now));
  const anonymity = kAnonymise(profiles, policy.deidentification.profileFields, policy.minCellSize);
  if (!anonymity.ok) {
    await appendOrFail(
      deps.audit,
      'research.export.withheld',
      actor.userId,
      { ...subject, reason: anonymity.reason },
      now,
    );
    throw new Forbidden(
      anonymity.reason,
      `Fewer than ${policy.minCellSize} members would be in this export: nothing was released.`,
    );
  }
  const released = new Map(contributors.map((id, i) => [id, anonymity.profiles[i]!]));
  const deidentification = { ...policy.deidentification, profileFields: [] };
  const records = rows.map(({ memberId, observation }) => {
    const record = pseudonymiseObservation(observation, memberId, key, deidentification);
    const profile = released.get(memberId)!;
    return Object.keys(profile).length > 0 ? { ...record, profile } : record;
  });
  // Shuffled with the CSPRNG: the order says nothing about members, their ids, upload order or time.
  shuffle(records);
  await deps.uses.record(
    {
      kind: 'export',
      queryId,
      policy,
      researcherId: actor.userId,
      category: input.category,
      statistic: null,
      contributors: new Set(contributors),
    },
    now,
  );
  return {
    policyId,
    policyVersion: policy.version,
    category: input.category,
    minimumCohort: policy.minCellSize,
    generalisation: anonymity.generalisation,
    records,
  };
}
