// The one way research reads its cohort: every active member with their key and consent history (from the members'
// directory and the consent store), and the sealed vault contents in scope (from the vault), read in parallel.
// Nothing is opened before consent is checked: the callers filter the members, then open only theirs.
import type { ConsentHistory } from '../../policies/research/consent.js';
import type { DirectoryMember, MemberDirectory } from '../members/index.js';
import { decryptValues, listedChunks, monthsOf, type ChunkRef, type SealedCohort, type Vault } from '../vault/index.js';
import { type ConsentStore, openVersions } from './consent-store.js';

/** A member as research sees them before any data is read: key and consent history, nothing else. */
export interface CohortMember extends DirectoryMember {
  history: ConsentHistory;
}

/** What one read brought: the members, and every directory plus the sealed chunks of the scope, if any. */
export interface Cohort {
  members: CohortMember[];
  sealed: SealedCohort;
}

/** The period and category whose chunks a cohort read brings along. */
export interface CohortReadScope {
  category: string;
  from: Date;
  to: Date;
}

export interface CohortDeps {
  members: Pick<MemberDirectory, 'activeMembers'>;
  consents: Pick<ConsentStore, 'allDocuments'>;
  vault: Pick<Vault, 'sealedCohort'>;
}

/** Members with keys and consent, directories and (given a scope) the sealed chunks of its category and months. */
export async function readCohort(deps: CohortDeps, scope?: CohortReadScope): Promise<Cohort> {
  const [members, consents, sealed] = await Promise.all([
    deps.members.activeMembers(),
    deps.consents.allDocuments(),
    deps.vault.sealedCohort(scope && { category: scope.category, months: monthsOf(scope.from, scope.to) }),
  ]);
  return {
    members: members.map((member) => ({
      ...member,
      history: openVersions(member.id, member.key, consents.get(member.id) ?? []),
    })),
    sealed,
  };
}

/** The chunks of `category` in [from, to) each of `members` lists in their newest directory. */
export function chunkRefsIn(
  cohort: Cohort,
  members: readonly CohortMember[],
  category: string,
  from: Date,
  to: Date,
): Map<string, ChunkRef[]> {
  return listedChunks(cohort.sealed.directories, members, category, from, to);
}

/** Each of `members`' values (or one component's) in the scope read, decrypting only the chunks they list. */
export function valuesIn(
  cohort: Cohort,
  members: readonly CohortMember[],
  scope: CohortReadScope,
  component?: string,
): Map<string, number[]> {
  const refs = chunkRefsIn(cohort, members, scope.category, scope.from, scope.to);
  const keys = new Map(members.map((m) => [m.id, m.key]));
  return decryptValues(refs, cohort.sealed.chunks, keys, scope.from.getTime(), scope.to.getTime(), component);
}
