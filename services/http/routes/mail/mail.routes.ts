// One-click unsubscribe (RFC 8058: mail clients POST to the List-Unsubscribe link) and, in demo mode only, the
// local outbox.
import type { Mail } from '../../../mail/index.js';
import { InvalidRequest, NotFound } from '../../../errors.js';
import type { ApiRouter } from '../../api-router.js';
import { outboxEntrySchema, outboxFileParams, unsubscribedSchema, unsubscribeQuery } from './mail.schema.js';
import { z } from 'zod';

const invalidToken = () =>
  new InvalidRequest('invalid_token', 'This unsubscribe link is not valid.', [
    { field: 'token', code: 'invalid_token', message: 'This unsubscribe link is not valid.' },
  ]);

// A GET only shows a button: link scanners in mail systems open links, and must not unsubscribe anyone.
const confirmPage = (token: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Unsubscribe / Se désabonner</title></head><body><main>
<form method="post" action="/api/mail/unsubscribe?token=${encodeURIComponent(token)}">
<p>Stop receiving this kind of message? / Ne plus recevoir ce type de message ?</p>
<button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe / Se désabonner</button>
</form></main></body></html>`;

/** Adds /api/mail/unsubscribe, and /api/demo/outbox when `demo` is set. */
export function mailRoutes(api: ApiRouter, mail: Mail, now: () => Date, options: { demo: boolean }): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/mail/unsubscribe',
        summary: 'One-click unsubscribe from one kind of notification (RFC 8058); the signed token is the proof',
        tag: 'mail',
        access: 'public',
        query: unsubscribeQuery,
        success: { status: 200, schema: unsubscribedSchema, description: 'That kind of e-mail is switched off' },
        errors: { 400: 'invalid_token' },
      },
      async ({ query }) => {
        const done = await mail.unsubscribe(query.token, now());
        if (!done) throw invalidToken();
        return done;
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/mail/unsubscribe',
        summary: 'The page behind the footer link: a button that unsubscribes (a visit alone changes nothing)',
        tag: 'mail',
        access: 'public',
        query: unsubscribeQuery,
        success: { status: 200, description: 'An HTML page with the unsubscribe button' },
      },
      async ({ query, ctx }) => {
        ctx.type = 'text/html; charset=utf-8';
        return confirmPage(query.token);
      },
    );
  if (!options.demo) return;
  api
    .route(
      {
        method: 'get',
        path: '/api/demo/outbox',
        summary: 'Demo mode only: the messages in the local outbox, newest first',
        tag: 'mail',
        access: 'public',
        success: { status: 200, schema: z.array(outboxEntrySchema), description: 'The outbox' },
      },
      async () => mail.outbox.list(),
    )
    .route(
      {
        method: 'get',
        path: '/api/demo/outbox/:file',
        summary: 'Demo mode only: one message of the local outbox, as sent (RFC 5322)',
        tag: 'mail',
        access: 'public',
        params: outboxFileParams,
        success: { status: 200, description: 'The message' },
      },
      async ({ params, ctx }) => {
        const raw = await mail.outbox.read(params.file);
        if (raw === null) throw new NotFound();
        ctx.type = 'text/plain; charset=utf-8';
        return raw;
      },
    );
}
