// The one way research reads its cohort: first every active member with their key and consent history (from the
// members' directory and the consent store); the callers decide who is included; then the vault reads only those
// members' directories and chunks, by `_id` and a batch at a time (vault/cohort-reads.ts). Nothing of a member who
// is not included is read, and nothing is opened before consent is checked.
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import type { ConsentHistory } from '../../policies/research/consent.js';
import type { DirectoryMember, MemberDirectory } from '../members/index.js';
import type { PlausibleRange } from '../../policies/observations/catalogue.js';
import type { ChunkRef, CohortTotal, Vault } from '../vault/index.js';
import { type ConsentStore, openVersions } from './consent-store.js';

/** A member as research sees them before any data is read: key and consent history, nothing else. */
export interface CohortMember extends DirectoryMember {
  history: ConsentHistory;
}

/** The active members with their keys and consent histories: all a decision about inclusion needs. */
export interface Cohort {
  members: CohortMember[];
}

/** The period and category a read of included members' data covers. */
export interface CohortReadScope {
  category: string;
  from: Date;
  to: Date;
}

export interface CohortDeps {
  members: Pick<MemberDirectory, 'activeMembers'>;
  consents: Pick<ConsentStore, 'allDocuments'>;
  vault: Pick<Vault, 'cohortRefs' | 'cohortValues' | 'cohortTotals' | 'cohortObservations'>;
}

/** Members with keys and consent histories, read in parallel; no vault data. */
export async function readCohort(deps: CohortDeps): Promise<Cohort> {
  const [members, consents] = await Promise.all([deps.members.activeMembers(), deps.consents.allDocuments()]);
  return {
    members: members.map((member) => ({
      ...member,
      history: openVersions(member.id, member.key, consents.get(member.id) ?? []),
    })),
  };
}

/** The chunks of the scope each of `members` (already decided to be included) lists in their newest directory. */
export function chunkRefsIn(
  deps: CohortDeps,
  members: readonly CohortMember[],
  scope: CohortReadScope,
): Promise<Map<string, ChunkRef[]>> {
  return deps.vault.cohortRefs(members, scope);
}

/** Each of `members`' values in the scope, once per component (undefined: the value), reading only their chunks. */
export function valuesIn(
  deps: CohortDeps,
  members: readonly CohortMember[],
  scope: CohortReadScope,
  components: readonly (string | undefined)[],
): Promise<Map<string, number[]>[]> {
  return deps.vault.cohortValues(members, scope, components);
}

/** Each of `members`' count and clamped sum per component (with its range): from sealed summaries where they answer. */
export function totalsIn(
  deps: CohortDeps,
  members: readonly CohortMember[],
  scope: CohortReadScope,
  components: readonly { name: string | undefined; range: PlausibleRange }[],
): Promise<Map<string, CohortTotal>[]> {
  return deps.vault.cohortTotals(members, scope, components);
}

/** Each of `members`' observations in the scope (the pseudonymised export), reading only their chunks. */
export function observationsIn(
  deps: CohortDeps,
  members: readonly CohortMember[],
  scope: CohortReadScope,
): Promise<Map<string, NormalisedObservation[]>> {
  return deps.vault.cohortObservations(members, scope);
}
