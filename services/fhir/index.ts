// The FHIR context: the member's own data as FHIR R4 — Observation search, read and create (through the vault's
// upload use case), Patient from the profile, Consent from the research consent versions. Every read and write is
// appended to the audit chain under the member's pseudonym (with the app acting for them, if any). It knows no HTTP.
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError, InvalidRequest, NotFound } from '../errors.js';
import type { Members } from '../members/index.js';
import type { Research } from '../research/index.js';
import { memberAuditName, toFhirObservation, type StoredObservation, type Vault } from '../vault/index.js';
import { decodeCursor, encodeCursor, type Mac } from './domain/search-cursor.js';
import {
  candidateCategories,
  matchesSearch,
  parseObservationSearch,
  type SearchProblem,
} from './domain/observation-search.js';
import { dateBounds } from './domain/date-search.js';
import { warningOutcome } from './domain/operation-outcome.js';
import { consentId, searchsetBundle, toConsent, toPatient, versionInForce } from './domain/resources.js';
import { readBundleRequest } from './domain/bundle-request.js';
import type { FhirCaller } from './fhir-caller.js';

export { ALL_FHIR_SCOPES, type FhirCaller, type FhirCallerResolver, type FhirScope } from './fhir-caller.js';
export { capabilityStatement } from './domain/capability-statement.js';
export { errorOutcome, type OperationOutcome } from './domain/operation-outcome.js';

export interface FhirDeps {
  vault: Pick<Vault, 'memberKey' | 'observationsOf' | 'create'>;
  research: Pick<Research, 'consentVersions'>;
  members: Pick<Members, 'getAccount'>;
  audit: AuditTrail;
  keyring: Keyring;
  /** The FHIR base URL as clients see it (…/fhir). */
  baseUrl: string;
}

/** A created resource and how the HTTP edge answers it. */
export interface Created {
  resource: Record<string, unknown>;
  id: string;
  /** False when the observation was already stored (the answer is then 200 with it). */
  created: boolean;
  replayed: boolean;
}

/** A 400 refusing a search, with each offending parameter (the edge writes it as an OperationOutcome). */
export class InvalidSearch extends InvalidRequest {
  constructor(problems: readonly SearchProblem[]) {
    super(
      problems.some((p) => p.code === 'unknown_parameter') ? 'unknown_search_parameter' : 'invalid_search_parameter',
      'The search has parameters this server does not support or cannot read.',
      problems.map((p) => ({ field: p.param, code: p.code, message: p.message })),
    );
  }
}

export interface Fhir {
  searchObservations(
    caller: FhirCaller,
    query: Readonly<Record<string, string | string[] | undefined>>,
    options: { lenient: boolean },
    now: Date,
  ): Promise<Record<string, unknown>>;
  readObservation(caller: FhirCaller, id: string, now: Date): Promise<Record<string, unknown>>;
  /** Creates one Observation from its JSON text (the vault validates and seals it). */
  createObservation(caller: FhirCaller, text: string, idempotencyKey: string | undefined, now: Date): Promise<Created>;
  /** A transaction (all or nothing) or batch (each entry on its own) Bundle of Observation creates. */
  processBundle(
    caller: FhirCaller,
    body: unknown,
    idempotencyKey: string | undefined,
    now: Date,
  ): Promise<Record<string, unknown>>;
  readPatient(caller: FhirCaller, id: string, now: Date): Promise<Record<string, unknown>>;
  searchConsents(caller: FhirCaller, now: Date): Promise<Record<string, unknown>>;
  readConsent(caller: FhirCaller, id: string, now: Date): Promise<Record<string, unknown>>;
}

/** Binds the FHIR use cases to the vault, research, members and the audit chain. */
export function createFhir(deps: FhirDeps): Fhir {
  const mac: Mac = (text) => deps.keyring.blindIndex('fhir-search-cursor', text);
  const subject = (caller: FhirCaller) => `Patient/${caller.memberId}`;
  const observationUrl = (id: string) => `${deps.baseUrl}/Observation/${id}`;
  const present = (caller: FhirCaller, o: StoredObservation) => ({
    ...toFhirObservation(o, subject(caller)),
    meta: { versionId: '1' },
  });
  const audited = (caller: FhirCaller, interaction: string, resourceType: string, extra: Record<string, unknown>) =>
    deps.audit.append(
      `fhir.${interaction}`,
      memberAuditName(deps.keyring, caller.memberId),
      { resourceType, ...extra, ...(caller.appId !== undefined && { appId: caller.appId }) },
      new Date(),
    );
  const allObservations = async (
    caller: FhirCaller,
    filter: { category?: string; fromMonth?: string; toMonth?: string } = {},
  ) => deps.vault.observationsOf(caller.memberId, await deps.vault.memberKey(caller.memberId), filter);

  return {
    async searchObservations(caller, query, options, now) {
      const parsed = parseObservationSearch(query, { lenient: options.lenient, memberId: caller.memberId });
      if (!parsed.ok) throw new InvalidSearch(parsed.problems);
      const search = parsed.search;
      const searchKey = new URLSearchParams(search.applied).toString();
      const offset = search.cursor === undefined ? 0 : decodeCursor(mac, caller.memberId, searchKey, search.cursor);
      if (offset === undefined) {
        throw new InvalidRequest('invalid_cursor', 'The paging token is not valid for this search; start again.', [
          { field: '_cursor', code: 'invalid_cursor', message: 'not a token of this search' },
        ]);
      }
      const { fromMs, toMs } = dateBounds(search.dates);
      const months = {
        ...(Number.isFinite(fromMs) && { fromMonth: new Date(fromMs).toISOString().slice(0, 7) }),
        ...(Number.isFinite(toMs) && { toMonth: new Date(toMs - 1).toISOString().slice(0, 7) }),
      };
      const categories = candidateCategories(search);
      const read =
        categories === undefined
          ? [await allObservations(caller, months)]
          : await Promise.all(categories.map((category) => allObservations(caller, { ...months, category })));
      const matches = read.flat().filter((o) => matchesSearch(o, search));
      matches.sort((a, b) =>
        a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
      if (search.sort === '-date') matches.reverse();
      const page = matches.slice(offset, offset + search.count);
      const url = (at: number | undefined) => {
        const params = new URLSearchParams(search.applied);
        if (at !== undefined && at > 0) params.set('_cursor', encodeCursor(mac, caller.memberId, searchKey, at));
        const text = params.toString();
        return `${deps.baseUrl}/Observation${text ? `?${text}` : ''}`;
      };
      const links = [{ relation: 'self', url: url(offset) }];
      if (search.count > 0 && offset + search.count < matches.length) {
        links.push({ relation: 'next', url: url(offset + search.count) });
      }
      if (offset > 0 && search.count > 0)
        links.push({ relation: 'previous', url: url(Math.max(0, offset - search.count)) });
      await audited(caller, 'search', 'Observation', { count: page.length });
      return searchsetBundle({
        total: matches.length,
        resources: page.map((o) => ({ fullUrl: observationUrl(o.id), resource: present(caller, o) })),
        links,
        ...(search.ignored.length > 0 && {
          warning: warningOutcome(
            search.ignored.map((name) => `The parameter ${name} is not supported and was ignored.`),
          ),
        }),
        now,
      });
    },

    async readObservation(caller, id) {
      const found = /^[0-9a-f]{16}-\d{1,7}$/.test(id)
        ? (await allObservations(caller)).find((o) => o.id === id)
        : undefined;
      if (!found) throw new NotFound('No such Observation.');
      await audited(caller, 'read', 'Observation', { count: 1 });
      return present(caller, found);
    },

    async createObservation(caller, text, idempotencyKey, now) {
      let resource: unknown;
      try {
        resource = JSON.parse(text);
      } catch {
        throw new InvalidRequest('invalid_json', 'The request body is not valid JSON.');
      }
      if ((resource as { resourceType?: unknown })?.resourceType !== 'Observation') {
        throw new InvalidRequest('not_an_observation', 'POST /fhir/Observation takes one Observation resource.', [
          { field: 'resourceType', code: 'not_an_observation', message: 'expected resourceType Observation' },
        ]);
      }
      const result = await deps.vault
        .create(caller.memberId, { type: 'application/fhir+json', text }, idempotencyKey, now)
        .catch((error: unknown) => {
          // The upload names rows by index; here the one row is the resource itself.
          if (error instanceof AppError && error.details) {
            const details = error.details.map((d) => ({ ...d, index: null }));
            throw new AppError(error.status, error.code, error.message, details, error.headers);
          }
          throw error;
        });
      const stored = result.observations[0]!;
      await audited(caller, 'create', 'Observation', { count: result.stored, replayed: result.replayed });
      return {
        resource: present(caller, stored),
        id: stored.id,
        created: result.stored > 0 || result.replayed,
        replayed: result.replayed,
      };
    },

    async processBundle(caller, body, idempotencyKey, now) {
      const request = readBundleRequest(body);
      const entryResponse = (o: StoredObservation, status: string) => ({
        fullUrl: observationUrl(o.id),
        resource: present(caller, o),
        response: { status, location: `Observation/${o.id}/_history/1`, etag: 'W/"1"' },
      });
      if (request.type === 'transaction') {
        // One upload of every entry: the vault checks the whole Bundle first and stores all or nothing.
        const text = JSON.stringify({
          resourceType: 'Bundle',
          type: 'collection',
          entry: request.resources.map((resource) => ({ resource })),
        });
        const result = await deps.vault.create(
          caller.memberId,
          { type: 'application/fhir+json', text },
          idempotencyKey,
          now,
        );
        await audited(caller, 'transaction', 'Observation', { count: result.stored, replayed: result.replayed });
        return {
          resourceType: 'Bundle',
          type: 'transaction-response',
          timestamp: now.toISOString(),
          entry: result.observations.map((o) => entryResponse(o, '201 Created')),
        };
      }
      const entries: Record<string, unknown>[] = [];
      let stored = 0;
      for (const [index, resource] of request.resources.entries()) {
        try {
          const text = JSON.stringify(resource);
          const key = idempotencyKey === undefined ? undefined : `${idempotencyKey}#${index}`;
          const result = await deps.vault.create(caller.memberId, { type: 'application/fhir+json', text }, key, now);
          stored += result.stored;
          entries.push(
            entryResponse(result.observations[0]!, result.stored > 0 || result.replayed ? '201 Created' : '200 OK'),
          );
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          entries.push({ response: { status: `${error.status}`, outcome: batchOutcome(error) } });
        }
      }
      await audited(caller, 'batch', 'Observation', { count: stored });
      return { resourceType: 'Bundle', type: 'batch-response', timestamp: now.toISOString(), entry: entries };
    },

    async readPatient(caller, id) {
      if (id !== '$me' && id !== caller.memberId) throw new NotFound('No such Patient.');
      const account = await deps.members.getAccount(caller.memberId);
      await audited(caller, 'read', 'Patient', {});
      return toPatient(caller.memberId, account.profile);
    },

    async searchConsents(caller, now) {
      const versions = await deps.research.consentVersions(caller.memberId);
      const current = versionInForce(versions, now);
      const newestFirst = [...versions].sort((a, b) => b.version - a.version);
      await audited(caller, 'search', 'Consent', { count: versions.length });
      return searchsetBundle({
        total: versions.length,
        resources: newestFirst.map((v) => ({
          fullUrl: `${deps.baseUrl}/Consent/${consentId(v.version)}`,
          resource: toConsent(caller.memberId, v, v.version === current),
        })),
        links: [{ relation: 'self', url: `${deps.baseUrl}/Consent` }],
        now,
      });
    },

    async readConsent(caller, id, now) {
      const versions = await deps.research.consentVersions(caller.memberId);
      const version = versions.find((v) => consentId(v.version) === id);
      if (!version) throw new NotFound('No such Consent.');
      await audited(caller, 'read', 'Consent', { count: 1 });
      return toConsent(caller.memberId, version, version.version === versionInForce(versions, now));
    },
  };
}

function batchOutcome(error: AppError): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: error.status === 400 ? 'invalid' : 'processing',
        details: { text: error.message },
        diagnostics:
          (error.details ?? [])
            .map((d) => `${d.field}: ${d.message}`)
            .join('; ')
            .slice(0, 2000) || error.message,
      },
    ],
  };
}
