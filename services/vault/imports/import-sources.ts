// Where an import's records come from: a spooled file that is a zip archive (only the entries a format reads are
// inflated, one at a time, under the zip guards) or the bare export file itself.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidRequest } from '../../errors.js';
import { mapAppleRecord } from './apple-health-mapping.js';
import { appleHealthRecords } from './apple-health-records.js';
import { mapDailyRow, mapFitPoint, type FitPoint } from './google-fit-mapping.js';
import type { ImportItem, ImportSource } from './import-items.js';
import { smallText, utf8Lines } from './utf8-text.js';
import { isZipHeader, zipEntries, type ZipLimits } from './zip-entries.js';

export const IMPORT_FORMATS = ['apple-health', 'google-fit'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface SourceLimits extends ZipLimits {
  /** Largest JSON file of a Takeout read whole (each "All data" file is one JSON document). */
  maxJsonBytes: number;
}

/** The items of the spooled file at `path`, in `format`, read afresh on each call. */
export function importSource(format: ImportFormat, path: string, limits: SourceLimits): ImportSource {
  return format === 'apple-health' ? () => appleHealthItems(path, limits) : () => googleFitItems(path, limits);
}

const APPLE_EXPORT = /(^|\/)export\.xml$/;
const FIT_JSON = /(^|\/)Fit\/All (data|Data)\/[^/]+\.json$/;
const FIT_DAILY_CSV = /(^|\/)(Daily activity metrics|Daily Summaries)\.csv$/i;

async function* appleHealthItems(path: string, limits: SourceLimits): AsyncGenerator<ImportItem[]> {
  let found = false;
  for await (const file of filesOf(path, (name) => APPLE_EXPORT.test(name), limits)) {
    if (found) continue; // only the first export.xml of an archive is read
    found = true;
    for await (const records of appleHealthRecords(file.stream)) yield records.map(mapAppleRecord);
  }
  if (!found) throw new InvalidRequest('export_xml_missing', 'The archive has no apple_health_export/export.xml.');
}

async function* googleFitItems(path: string, limits: SourceLimits): AsyncGenerator<ImportItem[]> {
  let found = false;
  const wanted = (name: string) => FIT_JSON.test(name) || FIT_DAILY_CSV.test(name);
  for await (const file of filesOf(path, wanted, limits)) {
    found = true;
    if (file.name.endsWith('.json') || (file.name === '' && (await startsWithBrace(path)))) {
      yield fitJsonItems(await smallText(file.stream, limits.maxJsonBytes));
    } else yield* dailyCsvItems(file.stream);
  }
  if (!found)
    throw new InvalidRequest('takeout_fit_missing', 'The archive has no Takeout/Fit data this service reads.');
}

/** The wanted entries of a zip, or the whole file as one nameless entry when it is not a zip. */
async function* filesOf(
  path: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits,
): AsyncGenerator<{ name: string; stream: Readable }> {
  if (isZipHeader(await firstBytes(path, 4))) yield* zipEntries(path, wanted, limits);
  else yield { name: '', stream: createReadStream(path) };
}

function fitJsonItems(text: string): ImportItem[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new InvalidRequest('invalid_json', 'A Google Fit JSON file is not valid JSON.');
  }
  const points = (document as { 'Data Points'?: unknown } | null)?.['Data Points'];
  if (!Array.isArray(points)) throw new InvalidRequest('invalid_json', 'A Google Fit JSON file has no "Data Points".');
  return (points as FitPoint[]).map((point) =>
    typeof point === 'object' && point !== null ? mapFitPoint(point) : mapFitPoint({}),
  );
}

async function* dailyCsvItems(bytes: Readable): AsyncGenerator<ImportItem[]> {
  let header: string[] | undefined;
  for await (const lines of utf8Lines(bytes)) {
    const items: ImportItem[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const cells = line.split(',');
      if (!header) {
        header = cells.map((cell) =>
          cell
            .trim()
            .replace(/^\uFEFF/, '')
            .toLowerCase(),
        );
        if (!header.includes('date')) throw new InvalidRequest('invalid_csv', 'The daily CSV has no "Date" column.');
        continue;
      }
      const row = Object.fromEntries(header.map((name, i) => [name, cells[i]?.trim() ?? '']));
      items.push(...mapDailyRow(row));
    }
    if (items.length > 0) yield items;
  }
}

async function firstBytes(path: string, count: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function startsWithBrace(path: string): Promise<boolean> {
  const start = (await firstBytes(path, 64))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return start.startsWith('{');
}
