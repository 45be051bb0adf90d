// The background sender: takes due messages from the queue and sends each attempt exactly once, across instances.
//
// Every attempt n of message m is a claim `<m>:<n>` (a unique insert, the one primitive atomic on FerretDB too):
// of two instances, only the one that inserted it sends. The claimant alone then writes the message's new state
// (sent, or attempts = n and the next instant), so non-atomic updates are safe. A claimant that dies mid-attempt
// leaves its claim; after LEASE_MS another instance counts the attempt as failed and claims n+1 — with the same
// Message-ID, so a receiver can recognise the rare message a dying server did accept. Transport timeouts are far
// below the lease, so a live claimant has always finished before anyone takes over.
import { randomUUID } from 'node:crypto';
import type { AuditTrail } from '../audit/index.js';
import { claimOnce } from '../db/claims.js';
import { afterFailure } from './domain/retry-schedule.js';
import { openQueuedMail } from './mail-queue.js';
import type { MailTransport } from './mail-transport.js';
import { untyped, type MailCollections, type QueuedMailDocument } from './mail.model.js';
import { isOptedOut } from './opt-outs.js';

/** How long an attempt's claim holds before another instance may count it as failed. */
export const LEASE_MS = 5 * 60_000;
/** How long sent and failed messages' records stay (without content). */
const KEEP_MS = 7 * 86_400_000;
const BATCH = 20;

export interface SenderDeps {
  collections: MailCollections;
  key: Buffer;
  transport: MailTransport;
  from: string;
  retry: { baseMs: number; maxAttempts: number };
  audit?: AuditTrail;
  now: () => Date;
  /** Where unexpected errors of the loop go (the loop itself keeps running). */
  onError?: (error: unknown) => void;
  pollMs?: number;
}

/** A running sender: `wake` after queuing, `stop` before shutting down (waits for the attempt in flight). */
export interface MailSender {
  wake(): void;
  /** One pass over the due messages (tests and the CLI drive it directly). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts sending in the background (polling every `pollMs`, 1 s by default, and at every wake). */
export function startMailSender(deps: SenderDeps): MailSender {
  const instance = randomUUID();
  let stopped = false;
  let loop: Promise<void> | null = null;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;

  const pass = () => sendDue(deps, instance, () => stopped);
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(kick, deps.pollMs ?? 1000);
    timer.unref();
  };
  // One loop at a time; a wake during a pass runs another pass right after it.
  const kick = () => {
    if (stopped) return;
    if (loop) {
      pending = true;
      return;
    }
    clearTimeout(timer);
    loop = (async () => {
      do {
        pending = false;
        await pass().catch((error: unknown) => deps.onError?.(error));
      } while (pending && !stopped);
    })().finally(() => {
      loop = null;
      schedule();
    });
  };
  schedule();
  return {
    wake: kick,
    runOnce: pass,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await loop;
    },
  };
}

// One pass: every due message, oldest first, until none is due or the sender stops.
async function sendDue(deps: SenderDeps, instance: string, stopped: () => boolean): Promise<number> {
  let sent = 0;
  const seen = new Set<string>();
  while (!stopped()) {
    const now = deps.now();
    const due = (
      await deps.collections.queue
        .find({ status: 'queued', nextAttemptAt: { $lte: now } }, { projection: { sealed: 0 } })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(BATCH)
        .toArray()
    ).filter((message) => !seen.has(`${message._id}:${message.attempts}`));
    if (due.length === 0) break;
    for (const message of due) {
      if (stopped()) break;
      seen.add(`${message._id}:${message.attempts}`);
      if (await attempt(deps, instance, message)) sent++;
    }
  }
  await purgeOld(deps);
  return sent;
}

// One attempt at one message; true when it was sent.
async function attempt(deps: SenderDeps, instance: string, listed: QueuedMailDocument): Promise<boolean> {
  const now = deps.now();
  const n = listed.attempts + 1;
  const claimId = `${listed._id}:${n}`;
  if (!(await claimOnce(untyped(deps.collections.claims), claimId, { claimedAt: now, by: instance }))) {
    await takeOverIfAbandoned(deps, listed, claimId, now);
    return false;
  }
  // Re-read after the claim: the listing may be older than another instance's completed attempt n.
  const message = await deps.collections.queue.findOne({ _id: listed._id });
  if (!message || message.status !== 'queued' || message.attempts !== listed.attempts) return false;
  const audit = (type: string, data: Record<string, unknown>) =>
    deps.audit?.append(type, message.recipientId, { messageId: message._id, kind: message.kind, ...data }, deps.now());
  if (await isOptedOut(deps.collections, message.recipientId, message.kind)) {
    await finish(deps, message, 'sent', { lastError: 'opted_out' });
    await audit('mail.suppressed', { reason: 'opted_out' });
    return false;
  }
  const content = openQueuedMail(deps.key, message);
  try {
    await deps.transport.send({ messageId: `<${message._id}@datacoop>`, from: deps.from, ...content });
  } catch (error) {
    const code = errorCode(error);
    const next = afterFailure(n, deps.now(), deps.retry);
    if ('giveUp' in next) {
      await finish(deps, message, 'failed', { attempts: n, lastError: code });
      await audit('mail.failed', { attempts: n, error: code });
    } else {
      await deps.collections.queue.updateOne(
        { _id: message._id },
        { $set: { attempts: n, nextAttemptAt: next.retryAt, lastError: code } },
      );
      await audit('mail.retry_scheduled', { attempt: n, error: code, retryAt: next.retryAt.toISOString() });
    }
    return false;
  }
  await finish(deps, message, 'sent', { attempts: n, sentAt: deps.now() });
  await audit('mail.sent', { attempt: n, transport: deps.transport.name });
  return true;
}

// Sent, suppressed or given up: the content goes, the record stays a while (dedupe keys, the operator's view).
async function finish(
  deps: SenderDeps,
  message: QueuedMailDocument,
  status: 'sent' | 'failed',
  fields: Partial<QueuedMailDocument>,
): Promise<void> {
  await deps.collections.queue.updateOne({ _id: message._id }, { $set: { status, ...fields }, $unset: { sealed: '' } });
}

// A claim older than the lease belongs to an instance that died mid-attempt: count that attempt as failed.
async function takeOverIfAbandoned(
  deps: SenderDeps,
  listed: QueuedMailDocument,
  claimId: string,
  now: Date,
): Promise<void> {
  const claim = await deps.collections.claims.findOne({ _id: claimId });
  if (!claim || now.getTime() - new Date(claim.claimedAt).getTime() < LEASE_MS) return;
  // Every instance that gets here writes the same values: the race is harmless.
  await deps.collections.queue.updateOne(
    { _id: listed._id, attempts: listed.attempts, status: 'queued' },
    { $set: { attempts: listed.attempts + 1, nextAttemptAt: now, lastError: 'abandoned' } },
  );
}

function errorCode(error: unknown): string {
  const e = error as { responseCode?: number; code?: string };
  return String(e.responseCode ?? e.code ?? 'error').slice(0, 40);
}

async function purgeOld(deps: SenderDeps): Promise<void> {
  const before = new Date(deps.now().getTime() - KEEP_MS);
  await deps.collections.queue.deleteMany({ status: { $in: ['sent', 'failed'] }, createdAt: { $lt: before } });
  await deps.collections.claims.deleteMany({ claimedAt: { $lt: before } });
}
