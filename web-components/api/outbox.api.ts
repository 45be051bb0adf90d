// The demo outbox (demo mode only: the service answers 404 otherwise): what the service "sent", kept as files.
import { ApiError } from './api-error.js';

export interface OutboxEntry {
  file: string;
  date: string;
  to: string;
  subject: string;
}

async function publicGet(path: string): Promise<Response> {
  const response = await fetch(path);
  if (!response.ok) throw new ApiError(response.status, response.status === 404 ? 'not_found' : 'failed', '');
  return response;
}

/** GET /api/demo/outbox: newest first; `null` when the service is not in demo mode. */
export async function fetchOutbox(): Promise<OutboxEntry[] | null> {
  try {
    return (await (await publicGet('/api/demo/outbox')).json()) as OutboxEntry[];
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** GET /api/demo/outbox/:file: the message as sent (RFC 5322 text). */
export async function fetchOutboxMessage(file: string): Promise<string> {
  return (await publicGet(`/api/demo/outbox/${encodeURIComponent(file)}`)).text();
}
