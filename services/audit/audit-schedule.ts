// The checkpoint schedule: every few seconds, sign the log's end if something was appended since the last
// checkpoint. A refusal (a rewritten history) is logged as an error each time, never signed over.
import type { Logger } from 'pino';
import type { AuditLog } from './audit-log.js';

/** Starts the schedule; returns the timer for clearInterval at shutdown (it never keeps the process alive). */
export function scheduleAuditCheckpoints(
  audit: Pick<AuditLog, 'checkpointNow'>,
  seconds: number,
  now: () => Date,
  log: Pick<Logger, 'error'>,
): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    audit
      .checkpointNow(now())
      .catch((error: unknown) => log.error({ err: error }, 'audit checkpoint not signed'))
      .finally(() => (running = false));
  }, seconds * 1000);
  timer.unref();
  return timer;
}
