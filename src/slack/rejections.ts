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

/** Records one refused Slack request; callers send the answer. */
export type SlackRejections = (reason: SlackRejectReason, detail?: Record<string, unknown>) => void;

/**
 * The one place every refused Slack request passes through, whatever refused it, so that
 * each refusal is logged and counted the same way.
 */
export function slackRejections(logger: Logger, count: (reason: SlackRejectReason) => void): SlackRejections {
  return (reason, detail = {}) => {
    logger.warn({ component: 'slack', reason, ...detail }, 'Slack request refused');
    count(reason);
  };
}
