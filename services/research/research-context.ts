// The state every research use case shares — dependencies, stores and collections — built once by `Research` so
// the use cases can live in small files as plain functions without each opening its own collections.
import type { Connection, mongo } from 'mongoose';
import { cryptoRandomSource, type RandomSource } from '../../policies/research/privacy.js';
import type { Assembly } from '../assembly/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Vault } from '../vault/vault.js';
import { CohortReader } from './cohort.js';
import { ConsentStore } from './consent-store.js';
import { EpsilonLedger } from './epsilon-ledger.js';
import type { InsightRecord } from './insights.js';
import { PolicyRegistry } from './policy-registry.js';
import type { ResearchRequestDocument } from './requests.js';
import type { QueryRecord } from './use-records.js';

export interface ResearchOptions {
  /** Queries and exports per researcher per minute (fixed windows, exact across instances). */
  queriesPerMinute: number;
}

export interface ResearchDeps {
  connection: Connection;
  keyring: Keyring;
  audit: AuditLog;
  assembly: Assembly;
  vault: Vault;
  options?: Partial<ResearchOptions>;
  /** Noise source; the operating system's CSPRNG unless a test injects one. */
  random?: RandomSource;
}

/** What the use cases read and write; `options` is the very object `Research.options` exposes, so changes apply. */
export interface ResearchContext {
  readonly deps: ResearchDeps;
  readonly consents: ConsentStore;
  readonly cohort: CohortReader;
  readonly ledger: EpsilonLedger;
  readonly registry: PolicyRegistry;
  readonly options: ResearchOptions;
  readonly requests: mongo.Collection<ResearchRequestDocument>;
  readonly queries: mongo.Collection<QueryRecord>;
  readonly policyKeys: mongo.Collection<{ _id: string; wrapped: Buffer; createdAt: Date }>;
  readonly throttle: mongo.Collection<mongo.Document>;
  readonly insightsCache: mongo.Collection<InsightRecord>;
  readonly claims: mongo.Collection<mongo.Document>;
  readonly random: RandomSource;
}

/** Builds the shared state in one place, so every use case sees the same stores and the same options object. */
export function createResearchContext(deps: ResearchDeps): ResearchContext {
  const { connection } = deps;
  const consents = new ConsentStore(connection);
  return {
    deps,
    consents,
    cohort: new CohortReader(connection, deps.keyring, consents),
    ledger: new EpsilonLedger(connection),
    registry: new PolicyRegistry(deps.assembly),
    options: { queriesPerMinute: 30, ...deps.options },
    requests: connection.collection('research_requests'),
    queries: connection.collection('research_queries'),
    policyKeys: connection.collection('policy_keys'),
    throttle: connection.collection('research_throttle'),
    insightsCache: connection.collection('cohort_insights'),
    claims: connection.collection('claims'),
    random: deps.random ?? cryptoRandomSource(),
  };
}

/** The member as the audit chain names them: a blind index, so the chain never holds member ids. */
export function auditPseudonym(ctx: ResearchContext, memberId: string): string {
  return `member:${ctx.deps.keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
}
