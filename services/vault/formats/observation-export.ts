// Writing observations out: as FHIR R4 Observations (LOINC codes, UCUM quantities, components for blood
// pressure) in a `collection` Bundle, and as CSV rows that the CSV parser reads back to the same values.
import { findCategory, type Category } from '../../../policies/observations/catalogue.js';
import { formatCsvRecord, guardFormula } from './csv-records.js';
import { CSV_COLUMNS } from './csv-observations.js';
import { LOINC_SYSTEM, UCUM_SYSTEM } from './fhir-observations.js';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';

export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** RFC 4180 line ending, written after the header and after every row. */
export const CSV_LINE_END = '\r\n';

const FHIR_CATEGORY_DISPLAY: Record<Category['fhirCategory'], string> = {
  'vital-signs': 'Vital Signs',
  activity: 'Activity',
  laboratory: 'Laboratory',
};
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An observation to export, with its storage id when it has one (becomes the FHIR resource id). */
export type ExportableObservation = NormalisedObservation & { readonly id?: string };

export interface FhirCoding {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export interface FhirQuantity {
  readonly value: number;
  readonly unit: string;
  readonly system: string;
  readonly code: string;
}

export interface FhirObservation {
  readonly resourceType: 'Observation';
  readonly id?: string;
  readonly status: 'final';
  readonly category: readonly { readonly coding: readonly FhirCoding[] }[];
  readonly code: { readonly coding: readonly FhirCoding[]; readonly text: string };
  readonly subject: { readonly reference: string };
  readonly effectiveDateTime: string;
  readonly valueQuantity?: FhirQuantity;
  readonly component?: readonly {
    readonly code: { readonly coding: readonly FhirCoding[] };
    readonly valueQuantity: FhirQuantity;
  }[];
  readonly note?: readonly { readonly text: string }[];
}

export interface FhirBundleEntry {
  readonly fullUrl?: string;
  readonly resource: FhirObservation;
}

export interface FhirBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'collection';
  readonly timestamp?: string;
  readonly entry: readonly FhirBundleEntry[];
}

/** One stored observation as a FHIR R4 Observation about `memberRef` (e.g. `Patient/<id>`). */
export function toFhirObservation(observation: ExportableObservation, memberRef: string): FhirObservation {
  const category = categoryOf(observation);
  const quantity = (value: number): FhirQuantity => ({
    value,
    unit: category.unit,
    system: UCUM_SYSTEM,
    code: category.unit,
  });
  const measured =
    observation.components === undefined
      ? { valueQuantity: quantity(observation.value) }
      : {
          component: category.components
            .filter((component) => observation.components[component.name] !== undefined)
            .map((component) => ({
              code: { coding: [loinc(component.loinc, component.loincDisplay)] },
              valueQuantity: quantity(observation.components[component.name] as number),
            })),
        };
  const id = observation.id !== undefined && FHIR_ID.test(observation.id) ? { id: observation.id } : {};
  return {
    resourceType: 'Observation',
    ...id,
    status: 'final',
    category: [
      {
        coding: [
          {
            system: OBSERVATION_CATEGORY_SYSTEM,
            code: category.fhirCategory,
            display: FHIR_CATEGORY_DISPLAY[category.fhirCategory],
          },
        ],
      },
    ],
    code: { coding: [loinc(category.loinc, category.loincDisplay)], text: category.label },
    subject: { reference: memberRef },
    effectiveDateTime: observation.effectiveAt,
    ...measured,
    ...(observation.note === undefined ? {} : { note: [{ text: observation.note }] }),
  };
}

/** One Bundle entry; `fullUrl` is set only for uuid ids (FHIR wants a URL or a urn:uuid there). */
export function toFhirBundleEntry(observation: ExportableObservation, memberRef: string): FhirBundleEntry {
  const resource = toFhirObservation(observation, memberRef);
  return observation.id !== undefined && UUID.test(observation.id)
    ? { fullUrl: `urn:uuid:${observation.id.toLowerCase()}`, resource }
    : { resource };
}

/** A FHIR R4 `collection` Bundle of the observations; pass the export time to stamp it. */
export function toFhirBundle(
  observations: readonly ExportableObservation[],
  memberRef: string,
  exportedAt?: Date,
): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    ...(exportedAt === undefined ? {} : { timestamp: exportedAt.toISOString() }),
    entry: observations.map((observation) => toFhirBundleEntry(observation, memberRef)),
  };
}

/** The CSV header line (without line ending), listing CSV_COLUMNS. */
export function formatCsvHeader(): string {
  return formatCsvRecord(CSV_COLUMNS);
}

/**
 * One observation as a CSV line (without line ending), in the columns of the header. Text cells are guarded
 * against spreadsheet formulas (`'` in front of = + - @ tab CR '); numbers are written as numbers (a negative
 * number is not a formula), and the CSV parser drops the guard, so the file uploads again unchanged.
 */
export function formatCsvRow(observation: NormalisedObservation): string {
  const cells: Record<string, string> = {
    category: guardFormula(observation.category),
    value: observation.value === undefined ? '' : String(observation.value),
    unit: guardFormula(observation.unit),
    effectiveAt: guardFormula(observation.effectiveAt),
    note: guardFormula(observation.note ?? ''),
    source: guardFormula(observation.source),
  };
  for (const [name, value] of Object.entries(observation.components ?? {})) cells[name] = String(value);
  return formatCsvRecord(CSV_COLUMNS.map((column) => cells[column] ?? ''));
}

/** A whole CSV document: header and rows, each ended by CRLF. */
export function toCsv(observations: readonly NormalisedObservation[]): string {
  return [formatCsvHeader(), ...observations.map(formatCsvRow)].map((line) => line + CSV_LINE_END).join('');
}

function categoryOf(observation: NormalisedObservation): Category {
  const category = findCategory(observation.category);
  // Stored observations were validated against the catalogue; a missing category is a broken invariant.
  if (!category) throw new Error(`category ${observation.category} is not in the catalogue`);
  return category;
}

function loinc(code: string, display: string): FhirCoding {
  return { system: LOINC_SYSTEM, code, display };
}
