// What connected apps did with a member's data, read back from the audit chain (the FHIR context appends one entry
// per app read or write, under the member's pseudonym, with the app's id): the member's access log shows it.
import type { AppCollections } from './apps.model.js';

/** The FHIR interactions the audit chain records, by entry type. */
export const FHIR_INTERACTIONS = {
  'fhir.search': 'search',
  'fhir.read': 'read',
  'fhir.create': 'create',
  'fhir.transaction': 'transaction',
  'fhir.batch': 'batch',
} as const;
export type AppInteraction = (typeof FHIR_INTERACTIONS)[keyof typeof FHIR_INTERACTIONS];

export interface AppAccessView {
  /** The audit chain position of the entry (proves itself through GET /api/me/audit-entries). */
  seq: number;
  app: { id: string; name: string };
  interaction: AppInteraction;
  resourceType: string;
  /** How many resources were read or stored (replays of a stored upload count none). */
  count: number;
  at: Date;
}

export interface AppAccessDeps {
  collections: AppCollections;
  audit: {
    memberPseudonym(memberId: string): string;
    listEntries(filter: { actor: string; types: readonly string[]; limit: number }): Promise<{
      entries: { seq: number; at: Date; type: string; data: Record<string, unknown> }[];
    }>;
  };
}

/** The member's newest app accesses (at most `limit`), newest first; their own sessions' FHIR use is not listed. */
export async function listAppAccesses(deps: AppAccessDeps, memberId: string, limit = 200): Promise<AppAccessView[]> {
  const { entries } = await deps.audit.listEntries({
    actor: deps.audit.memberPseudonym(memberId),
    types: Object.keys(FHIR_INTERACTIONS),
    limit,
  });
  const byApp = entries.filter((entry) => typeof entry.data.appId === 'string');
  const appIds = [...new Set(byApp.map((entry) => entry.data.appId as string))];
  const apps = appIds.length > 0 ? await deps.collections.apps.find({ _id: { $in: appIds } }).toArray() : [];
  const names = new Map(apps.map((app) => [app._id, app.name]));
  return byApp.map((entry) => {
    const appId = entry.data.appId as string;
    return {
      seq: entry.seq,
      app: { id: appId, name: names.get(appId) ?? appId },
      interaction: FHIR_INTERACTIONS[entry.type as keyof typeof FHIR_INTERACTIONS],
      resourceType: typeof entry.data.resourceType === 'string' ? entry.data.resourceType : 'Observation',
      count: typeof entry.data.count === 'number' ? entry.data.count : 0,
      at: entry.at,
    };
  });
}
