// Requests from a chosen loopback source address (127.0.0.x), as from distinct machines: the service sees that
// address as the client's.
import { request } from 'node:http';

export interface AddressedReply {
  status: number;
  retryAfter: number | undefined;
  body: { error?: { code: string } } & Record<string, unknown>;
}

/** POSTs `body` as JSON to `path` with the TCP connection bound to `source`. */
export function postFrom(baseUrl: string, source: string, path: string, body: unknown): Promise<AddressedReply> {
  const url = new URL(baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        localAddress: source,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: retryAfter === undefined ? undefined : Number(retryAfter),
            body: text ? JSON.parse(text) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
