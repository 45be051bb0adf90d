// The vault's public interface: members' observations sealed under their own data keys, and the narrow bulk read
// research is allowed (directories and sealed chunks, opened only with each member's key).
import type { Readable } from 'node:stream';
import type { Connection } from 'mongoose';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import type { PlausibleRange } from '../../policies/observations/catalogue.js';
import type { Keyring } from '../crypto/keyring.js';
import { exportObservations } from './export-observations.js';
import { eraseMemberData } from './erase-member-data.js';
import { listObservations, type ListQuery } from './list-observations.js';
import { observationSeries, type SeriesQuery } from './observation-series.js';
import type { SeriesPoint } from './series.js';
import { UploadIdempotency } from './upload-idempotency.js';
import {
  cohortObservations,
  cohortRefs,
  cohortTotals,
  cohortValues,
  type CohortPeriod,
  type CohortTotal,
} from './cohort-reads.js';
import { importObservations, type ImportOptions, type ImportResult } from './imports/import-observations.js';
import { sweepStaleSpools } from './imports/import-spool.js';
import { runImport, type ImportTally } from './imports/import-run.js';
import { importSource, type ImportFormat, type SourceLimits } from './imports/import-sources.js';
import { uploadObservations, type UploadBody, type UploadResult } from './upload-observations.js';
import { createObservations, type CreateResult } from './create-observations.js';
import { VaultStore } from './vault-store.js';
import {
  type ChunkDocument,
  type HeadDocument,
  IDEMPOTENCY_COLLECTION,
  INSTANCE_COLLECTION,
  type ChunkFilter,
  type ChunkRef,
  type CohortScope,
  type KeyedMember,
  type IdempotencyDocument,
  type InstanceDocument,
  type SealedCohort,
  type StoredObservation,
  type StoreResult,
  type SummaryDocument,
} from './vault.model.js';

export { decryptValues, listedChunks, monthsOf, openSealedChunk, type KeyedMember } from './sealed-cohort.js';
export { UPLOAD_MEDIA_TYPES, type UploadProblemDetail } from './upload-reader.js';
export { chunkBinding, duplicateKey, openChunk, sealChunk } from './chunk-codec.js';
export { sealSummary } from './chunk-summary.js';
// The export formats, for the HTTP edge that streams them (and the ingest benchmark that writes CSV).
export {
  CSV_LINE_END,
  formatCsvHeader,
  formatCsvRow,
  OBSERVATION_CATEGORY_SYSTEM,
  toFhirBundleEntry,
  toFhirObservation,
  type FhirObservation,
} from './formats/observation-export.js';
export { LOINC_SYSTEM } from './formats/fhir-observations.js';
export type { CreateResult } from './create-observations.js';
export { headDocument } from './vault-store.js';
export type {
  ChunkDocument,
  ChunkRef,
  CohortScope,
  HeadDocument,
  SealedCohort,
  StoredObservation,
  StoreResult,
  SummaryDocument,
} from './vault.model.js';
export type { ListQuery } from './list-observations.js';
export type { SeriesQuery } from './observation-series.js';
export type { SeriesBucket, SeriesPoint } from './series.js';
export type { UploadBody, UploadResult } from './upload-observations.js';
export type { CohortPeriod, CohortTotal } from './cohort-reads.js';
export type { CsvDialect } from './formats/csv-observations.js';
export { isTimeZone } from './formats/local-dates.js';
export { IMPORT_FORMATS, type ImportFormat } from './imports/import-sources.js';
export type { ImportResult } from './imports/import-observations.js';
/** Observations stored per batch by an import: what its memory holds at once. */
export const IMPORT_BATCH_SIZE = 5_000;

export interface VaultOptions {
  uploadMaxRows: number;
  /** Health-app imports (spool folder, body limit, zip guards, batch size). */
  imports: ImportOptions;
}

export interface VaultDeps {
  connection: Connection;
  keyring: Keyring;
  /** The members' directory: the vault unwraps no key itself (404 once the account is gone). */
  members: { dataKeyOf(memberId: string): Promise<Buffer> };
  options: VaultOptions;
  /** A member's export of their own data is audited (pseudonymously) before anything is streamed; an import after it is stored. */
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
}

/** The vault's use cases, bound to its stores. */
export interface Vault {
  /** Validates an upload (all or nothing) and stores its new observations; a repeated Idempotency-Key replays. */
  upload(memberId: string, body: UploadBody, idempotencyKey: string | undefined, now: Date): Promise<UploadResult>;
  /** The upload use case, answering also each row of the body as stored (with its id): the FHIR API's create. */
  create(memberId: string, body: UploadBody, idempotencyKey: string | undefined, now: Date): Promise<CreateResult>;
  /**
   * Imports a health app's export (Apple Health export.zip/export.xml, Google Fit Takeout zip/CSV/JSON), streamed
   * from `body`: checked whole first (nothing stored on a refusal), then stored per batch; resumable by a retry.
   */
  importExport(
    memberId: string,
    input: { format: ImportFormat; body: Readable },
    idempotencyKey: string | undefined,
    now: Date,
  ): Promise<ImportResult>;
  /** Deletes import spool folders left behind by a process killed mid-import; returns how many. */
  sweepImportSpools(now: Date): Promise<number>;
  /**
   * One page of the member's observations in time order, filtered; `nextCursor` continues after it; `tag` is the
   * ETag of the answer (it changes with every upload).
   */
  list(
    memberId: string,
    query: ListQuery,
  ): Promise<{ observations: StoredObservation[]; nextCursor: string | null; tag: string }>;
  /** A chart's series, with the ETag of the answer (it changes with every upload). */
  series(memberId: string, query: SeriesQuery): Promise<{ unit: string; points: SeriesPoint[]; tag: string }>;
  /** Every observation of the member, month by month in time order, for a streamed export (audited first). */
  exportObservations(memberId: string): AsyncGenerator<StoredObservation[]>;
  /**
   * The member's own observations in the chunks matching `filter` (kept per process once opened), in time order,
   * opened with the data key the caller already holds (from the members' directory).
   */
  observationsOf(memberId: string, key: Buffer, filter: ChunkFilter): Promise<StoredObservation[]>;
  /** The member's data key, unwrapped; 404 when the account no longer exists. */
  memberKey(memberId: string): Promise<Buffer>;
  /** Opens the member's newest chunk with `key` (a backup check); false when the vault is empty, throws if it fails. */
  openNewestChunk(memberId: string, key: Buffer): Promise<boolean>;
  /** True when the member has stored nothing yet. */
  isEmpty(memberId: string): Promise<boolean>;
  /** Stores already validated observations (demo data, benchmarks): no parsing, same storage path. */
  storeObservations(memberId: string, observations: readonly NormalisedObservation[]): Promise<StoreResult>;
  /** Every member's directories and, given a scope, the sealed chunks of its category and months (bulk checks, benchmarks). */
  sealedCohort(scope?: CohortScope): Promise<SealedCohort>;
  /** The chunks of a category and period each of these members lists (research, after consent: cohort-reads.ts). */
  cohortRefs(members: readonly KeyedMember[], period: CohortPeriod): Promise<Map<string, ChunkRef[]>>;
  /** These members' values in a category and period, once per component asked, read and decrypted by batch. */
  cohortValues(
    members: readonly KeyedMember[],
    period: CohortPeriod,
    components: readonly (string | undefined)[],
  ): Promise<Map<string, number[]>[]>;
  /** These members' counts and clamped sums per component, from sealed summaries where they answer (research). */
  cohortTotals(
    members: readonly KeyedMember[],
    period: CohortPeriod,
    components: readonly { name: string | undefined; range: PlausibleRange }[],
  ): Promise<Map<string, CohortTotal>[]>;
  /** These members' observations in a category and period (the pseudonymised export), read and opened by batch. */
  cohortObservations(
    members: readonly KeyedMember[],
    period: CohortPeriod,
  ): Promise<Map<string, NormalisedObservation[]>>;
  /** Inserts already sealed chunks and directory versions as they are (bulk seeding of benchmarks only). */
  seedSealed(
    chunks: readonly ChunkDocument[],
    directories: readonly HeadDocument[],
    summaries?: readonly SummaryDocument[],
  ): Promise<void>;
  /** Deletes everything the vault holds of a member (erasure, after the account and its key are gone). */
  eraseMemberData(memberId: string): Promise<void>;
}

/** Reads a health-app export file as an import's check pass does, storing nothing (the import benchmark's baseline). */
export function readImportFile(
  format: ImportFormat,
  path: string,
  limits: SourceLimits,
  now: Date,
): Promise<ImportTally> {
  return runImport(importSource(format, path, limits), { now, batchSize: 5_000 });
}

/** How the audit log names a member: a keyed pseudonym, so the chain holds no account id of a vault owner. */
export function memberAuditName(keyring: Keyring, memberId: string): string {
  return `member:${keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
}

/** Builds the vault's stores once and binds each use case to the ones it uses. */
export function createVault(deps: VaultDeps): Vault {
  const store = new VaultStore(deps.connection);
  const idempotencyRecords = deps.connection.collection<IdempotencyDocument>(IDEMPOTENCY_COLLECTION);
  const idempotency = new UploadIdempotency(
    idempotencyRecords,
    deps.connection.collection<InstanceDocument>(INSTANCE_COLLECTION),
  );
  const dataKeyOf = (memberId: string) => deps.members.dataKeyOf(memberId);
  const auditName = (memberId: string) => memberAuditName(deps.keyring, memberId);
  const reading = { store, dataKeyOf };
  return {
    upload: (memberId, body, idempotencyKey, now) =>
      uploadObservations(
        { store, idempotency, dataKeyOf, uploadMaxRows: deps.options.uploadMaxRows },
        memberId,
        body,
        idempotencyKey,
        now,
      ),
    create: (memberId, body, idempotencyKey, now) =>
      createObservations(
        { store, idempotency, dataKeyOf, uploadMaxRows: deps.options.uploadMaxRows },
        memberId,
        body,
        idempotencyKey,
        now,
      ),
    importExport: async (memberId, input, idempotencyKey, now) => {
      const result = await importObservations(
        { store, idempotency, dataKeyOf, options: deps.options.imports },
        memberId,
        input,
        idempotencyKey,
        now,
      );
      // A replay stored nothing and was audited the first time; counts and the format only, never a value.
      if (!result.replayed)
        await deps.audit?.append(
          'member.imported',
          auditName(memberId),
          { format: result.format, received: result.received, stored: result.stored, duplicates: result.duplicates },
          now,
        );
      return result;
    },
    sweepImportSpools: (now) => sweepStaleSpools(deps.options.imports.tempDir, now),
    list: (memberId, query) => listObservations(reading, memberId, query),
    series: (memberId, query) => observationSeries(reading, memberId, query),
    exportObservations: (memberId) =>
      exportObservations({ ...reading, auditName, ...(deps.audit && { audit: deps.audit }) }, memberId),
    observationsOf: (memberId, key, filter) => store.read(memberId, key, filter),
    memberKey: dataKeyOf,
    openNewestChunk: async (memberId, key) => {
      const head = await store.readHead(memberId, key);
      const newest = head.chunks.at(-1);
      if (!newest) return false;
      await store.read(memberId, key, {}, { version: head.version, chunks: [newest] });
      return true;
    },
    isEmpty: async (memberId) => (await store.readHead(memberId, await dataKeyOf(memberId))).version === 0,
    storeObservations: async (memberId, observations) => store.store(memberId, await dataKeyOf(memberId), observations),
    sealedCohort: (scope) => store.sealedCohort(scope),
    cohortRefs: (members, period) => cohortRefs(store, members, period),
    cohortValues: (members, period, components) => cohortValues(store, members, period, components),
    cohortTotals: (members, period, components) => cohortTotals(store, members, period, components),
    cohortObservations: (members, period) => cohortObservations(store, members, period),
    seedSealed: (chunks, directories, summaries) => store.insertSealed(chunks, directories, summaries),
    eraseMemberData: (memberId) => eraseMemberData({ store, idempotencyRecords }, memberId),
  };
}
