import type { Logger } from '../util/logger.ts';

/**
 * Why a Slack request was refused: before it reached Bolt (signature, timestamp, size) or
 * at the role gate (role, user, payload kind).
 */
export type SlackRejectReason =
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'body_too_large'
  | 'forbidden_role'
  | 'no_user'
  | 'unclassified';

/**
 * The one place every refused Slack request passes through, whatever refused it, so that
 * each refusal is logged (and can be counted) the same way. Callers send the answer.
 */
export function slackRequestRejected(logger: Logger, reason: SlackRejectReason, detail: Record<string, unknown> = {}): void {
  logger.warn({ component: 'slack', reason, ...detail }, 'Slack request refused');
}
