// Reads a JSON request body with a size limit; wrong type → 415, too large → 413, malformed → 400.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../../errors.js';

/** Returns the body as text if its media type is one of `types` (415 otherwise), enforcing `limitBytes` (413). */
export async function readTextBody(
  ctx: Context,
  types: readonly string[],
  limitBytes: number,
): Promise<{ type: string; text: string }> {
  const type = ctx.request.is(...types);
  if (!type) throw new UnsupportedMediaType([...types]);
  return { type, text: await readLimited(ctx, limitBytes, types) };
}

/** Checks a body left for the handler to stream: its media type and its declared length (the handler counts too). */
export function checkStreamedBody(ctx: Context, types: readonly string[], limitBytes: number): void {
  if (!ctx.request.is(...types)) throw new UnsupportedMediaType([...types]);
  if (Number(ctx.get('content-length') || 0) > limitBytes) throw new PayloadTooLarge(limitBytes);
}

async function readLimited(ctx: Context, limitBytes: number, types: readonly string[]): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw new PayloadTooLarge(limitBytes);
  try {
    return await getRawBody(ctx.req, { limit: limitBytes, encoding: ctx.request.charset || 'utf8' });
  } catch (error) {
    const kind = (error as { type?: string }).type;
    if (kind === 'entity.too.large') throw new PayloadTooLarge(limitBytes);
    if (kind === 'encoding.unsupported') throw new UnsupportedMediaType(types.map((t) => `${t}; charset=utf-8`));
    throw new InvalidRequest('invalid_body', 'The request body could not be read.');
  }
}

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
