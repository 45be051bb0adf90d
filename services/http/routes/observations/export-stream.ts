// Streams a member's export as JSON, CSV or a FHIR R4 collection Bundle, one month of data at a time.
import { Readable } from 'node:stream';
import {
  CSV_LINE_END,
  formatCsvHeader,
  formatCsvRow,
  type StoredObservation,
  toFhirBundleEntry,
} from '../../../vault/index.js';
import { presentObservation } from './observations.presenter.js';

export type ExportFormat = 'json' | 'csv' | 'fhir';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  fhir: 'application/fhir+json; charset=utf-8',
};

/** A readable stream of the export; `months` yields the observations month by month in time order. */
export function exportStream(
  format: ExportFormat,
  months: AsyncIterable<StoredObservation[]>,
  memberId: string,
  exportedAt: Date,
): Readable {
  return Readable.from(exportChunks(format, months, memberId, exportedAt));
}

async function* exportChunks(
  format: ExportFormat,
  months: AsyncIterable<StoredObservation[]>,
  memberId: string,
  exportedAt: Date,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield formatCsvHeader() + CSV_LINE_END;
    for await (const month of months) yield month.map((o) => formatCsvRow(o) + CSV_LINE_END).join('');
    return;
  }
  const fhir = format === 'fhir';
  yield fhir
    ? `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(exportedAt.toISOString())},"entry":[`
    : `{"exportedAt":${JSON.stringify(exportedAt.toISOString())},"observations":[`;
  let first = true;
  for await (const month of months) {
    if (month.length === 0) continue;
    const items = month.map((o) =>
      JSON.stringify(fhir ? toFhirBundleEntry(o, `Patient/${memberId}`) : presentObservation(o)),
    );
    yield (first ? '' : ',') + items.join(',');
    first = false;
  }
  yield ']}';
}
