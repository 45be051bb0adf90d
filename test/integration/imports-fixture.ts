// Shared by the import tests: post an export as bytes, read back what the member has stored.
import type { TestApp } from '../helpers/test-app.js';

/** POSTs `body` to /api/me/imports/:format as the member; the answer parsed. */
export async function postImport(
  app: TestApp,
  token: string,
  format: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${app.baseUrl}/api/me/imports/${format}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
    body: new Uint8Array(typeof body === 'string' ? Buffer.from(body, 'utf8') : body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Every observation of one category the member has stored (all pages). */
export async function storedOf(app: TestApp, token: string, category?: string): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '1000', ...(category && { category }), ...(cursor && { cursor }) });
    const page = await app.request('GET', `/api/me/observations?${query}`, { token });
    if (page.status !== 200) throw new Error(`list failed: ${page.status} ${page.text}`);
    all.push(...page.body.observations);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}
