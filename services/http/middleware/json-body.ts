// Reads a JSON request body with a size limit; wrong type → 415, too large → 413, malformed → 400.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../../errors.js';

/** Returns the parsed JSON body of the request, enforcing content type and `limitBytes`. */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  if (!ctx.request.is('application/json')) throw new UnsupportedMediaType(['application/json']);
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw new PayloadTooLarge(limitBytes);
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new PayloadTooLarge(limitBytes);
    if (type === 'encoding.unsupported') throw new UnsupportedMediaType(['application/json; charset=utf-8']);
    throw new InvalidRequest('invalid_body', 'The request body could not be read.');
  }
  if (text.trim() === '') throw new InvalidRequest('invalid_json', 'The request body is empty; send a JSON document.');
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest('invalid_json', 'The request body is not valid JSON.');
  }
}
