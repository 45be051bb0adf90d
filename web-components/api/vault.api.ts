// The member's own observations: series for charts, the latest values, uploads and exports.
import { parseApiError } from './api-error.js';
import { authorizedFetch, currentAccessToken, refreshSession, requestJson } from './session.js';
import type { Bucket, ImportFormat, ImportResult, NewObservation, Observation, Series, UploadResult } from './types.js';

/** GET /api/me/series for one category. */
export function fetchSeries(category: string, bucket: Bucket, from?: Date, to?: Date): Promise<Series> {
  const query = new URLSearchParams({ category, bucket });
  if (from) query.set('from', from.toISOString());
  if (to) query.set('to', to.toISOString());
  return requestJson<Series>('GET', `/api/me/series?${query}`);
}

/** True when the member has stored at least one observation of any category, at any time. */
export async function hasAnyObservation(): Promise<boolean> {
  const page = await requestJson<{ observations: Observation[] }>('GET', '/api/me/observations?limit=1');
  return page.observations.length > 0;
}

/** The most recent observation of a category at or after `from` (the list is oldest first, one page is enough). */
export async function fetchLatestObservation(category: string, from: Date): Promise<Observation | undefined> {
  const query = new URLSearchParams({ category, from: from.toISOString(), limit: '1000' });
  const page = await requestJson<{ observations: Observation[] }>('GET', `/api/me/observations?${query}`);
  return page.observations.at(-1);
}

/** POST /api/me/observations with JSON: values typed in by hand. */
export function addObservations(observations: NewObservation[]): Promise<UploadResult> {
  return requestJson<UploadResult>('POST', '/api/me/observations', { observations });
}

/** The media type the service expects for a chosen file: CSV, FHIR R4 JSON or our JSON. */
export async function uploadMediaType(file: File): Promise<string> {
  if (/\.csv$/i.test(file.name) || file.type === 'text/csv') return 'text/csv';
  const head = await file.slice(0, 4096).text();
  return /"resourceType"\s*:/.test(head) ? 'application/fhir+json' : 'application/json';
}

/**
 * POST /api/me/observations with a file, reporting upload progress (fetch cannot, so this uses XHR).
 * The Idempotency-Key makes the one retry after a token refresh safe.
 */
export async function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
  dateOrder?: 'day-first' | 'month-first',
): Promise<UploadResult> {
  // Local times in a CSV (14.03.2024 08:05) are read in this browser's time zone.
  const query = new URLSearchParams({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  if (dateOrder) query.set('dateOrder', dateOrder);
  return sendFile<UploadResult>(`/api/me/observations?${query}`, await uploadMediaType(file), file, onProgress);
}

/** POST /api/me/imports/:format with an Apple Health or Google Takeout file, reporting upload progress. */
export function importFile(
  format: ImportFormat,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<ImportResult> {
  const type = /\.zip$/i.test(file.name)
    ? 'application/zip'
    : /\.xml$/i.test(file.name)
      ? 'application/xml'
      : /\.csv$/i.test(file.name)
        ? 'text/csv'
        : /\.json$/i.test(file.name)
          ? 'application/json'
          : 'application/octet-stream';
  return sendFile<ImportResult>(`/api/me/imports/${format}`, type, file, onProgress);
}

/** Sends a file with XHR (for its upload progress) under one Idempotency-Key, retried once after a token refresh. */
async function sendFile<T>(path: string, type: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  const key = crypto.randomUUID();
  const send = (token: string | null) =>
    new Promise<{ status: number; text: string }>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('content-type', type);
      xhr.setRequestHeader('idempotency-key', key);
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = () => resolve({ status: 0, text: '' });
      xhr.send(file);
    });
  let answer = await send(await currentAccessToken());
  if (answer.status === 401 && (await refreshSession())) answer = await send(await currentAccessToken());
  if (answer.status < 200 || answer.status >= 300) throw parseApiError(answer.status, answer.text);
  onProgress(1);
  return JSON.parse(answer.text) as T;
}

/** GET /api/me/export as a file the browser saves (the token goes in a header, never in the URL). */
export async function downloadExport(format: 'json' | 'csv' | 'fhir'): Promise<void> {
  const response = await authorizedFetch(`/api/me/export?format=${format}`);
  if (!response.ok) throw parseApiError(response.status, await response.text());
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `datacoop-export.${format === 'fhir' ? 'fhir.json' : format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
