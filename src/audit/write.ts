import { isDartError } from '../dart/errors.ts';
import type { WriteAnswer } from '../dart/schemas.ts';
import type { Logger } from '../util/logger.ts';
import type { AuditLog } from './log.ts';
import type { AuditAction } from './repository.ts';

/** How a write to DART ended, as the person who asked for it must be told. */
export type WriteResult =
  | { outcome: 'succeeded'; answer: string }
  | { outcome: 'failed'; error: unknown }
  /** Timeout, dropped connection, 5xx, unreadable answer: DART may or may not have applied it. */
  | { outcome: 'unknown'; error: unknown };

export interface WriteRequest {
  action: AuditAction;
  customer: string;
  requestedBy: string;
  /** Exactly what is sent to DART; a `password` in it is recorded as `[redacted]`. */
  sent: Record<string, string>;
}

export interface WriteContext {
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
}

/**
 * Sends one write to DART, once (never retried), and records it in the audit log with
 * who asked, what was sent (password left out), what DART answered and when. The
 * outcome is unknown, not failed, when DART may have acted without telling us.
 */
export function auditedWrite(context: WriteContext, request: WriteRequest, send: () => Promise<WriteAnswer>): Promise<WriteResult> {
  // A shutdown waits for this: a write DART may have applied is never left unrecorded.
  return context.audit.track(sendAndRecord(context, request, send));
}

async function sendAndRecord(
  { audit, logger, now }: WriteContext,
  request: WriteRequest,
  send: () => Promise<WriteAnswer>,
): Promise<WriteResult> {
  let result: WriteResult;
  try {
    result = { outcome: 'succeeded', answer: (await send()).slice(0, 500) };
  } catch (error) {
    const unknown = !isDartError(error) || error.outcomeUnknown;
    result = { outcome: unknown ? 'unknown' : 'failed', error };
    const detail = isDartError(error) ? { kind: error.kind, endpoint: error.endpoint, detail: error.message } : { err: error };
    logger.warn({ ...detail, action: request.action, customer: request.customer }, 'DART write did not succeed');
  }
  const sent = { ...request.sent };
  if (sent.password !== undefined) sent.password = '[redacted]';
  const entry = {
    action: request.action,
    customer: request.customer,
    requestedBy: request.requestedBy,
    sent,
    outcome: result.outcome,
    dartAnswer: result.outcome === 'succeeded' ? result.answer : errorText(result.error),
    at: now(),
  };
  try {
    await audit.record(entry);
  } catch (error) {
    // The write has happened (or may have): the person must still be told what DART did,
    // and the entry the database refused is kept in the logs instead.
    logger.error({ err: error, audit: entry }, 'audit entry could not be stored; it is logged here instead');
  }
  return result;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
