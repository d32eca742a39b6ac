import { ErrorCode } from '@slack/web-api';
import { slackErrorOf, webApiErrorOf } from '../slack/errors.ts';

/**
 * What a failed `chat.postMessage` means for the outbox: try again later (`retry`, after
 * Slack's Retry-After when it gave one), or stop trying (`dead`). `content` marks refusals
 * of the message itself, which may be caused by one event of a digest.
 */
export type PostFailure = { kind: 'retry'; reason: string; retryAfterMs?: number } | { kind: 'dead'; reason: string; content: boolean };

// Slack answers these with ok:false, yet waiting fixes them.
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
]);

// Refusals of the message's content rather than of the channel or the token.
const CONTENT_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  // The blocks of a long digest may exceed Slack's total size: one by one they fit.
  'msg_blocks_too_long',
  'no_text',
  'invalid_arguments',
  'too_many_attachments',
  'invalid_attachments',
  'markdown_text_conflict',
]);

/**
 * Sorts a Web API failure. Network errors, timeouts, HTTP errors (Slack's 5xx, a proxy's
 * gateway errors) and 429 are retried; an `ok:false` answer such as `channel_not_found`,
 * `not_in_channel`, `is_archived` or `invalid_auth` is final until someone changes the
 * configuration, so the event is moved aside. Anything unrecognised is retried: a
 * retried alert is late, a dead one is unseen.
 */
export function classifyPostFailure(error: unknown): PostFailure {
  const failure = webApiErrorOf(error);
  switch (failure?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'retry', reason: 'ratelimited', retryAfterMs: Math.max(0, Number(failure.retryAfter ?? 0)) * 1000 };
    case ErrorCode.HTTPError:
      return { kind: 'retry', reason: `http_${failure.statusCode ?? 'error'}` };
    case ErrorCode.RequestError:
      return { kind: 'retry', reason: `request_error: ${failure.message || 'no answer'}` };
    case ErrorCode.PlatformError: {
      const slackError = failure.data.error || 'unknown_error';
      if (TRANSIENT_ERRORS.has(slackError)) return { kind: 'retry', reason: slackError };
      return { kind: 'dead', reason: slackError, content: CONTENT_ERRORS.has(slackError) };
    }
    default:
      return { kind: 'retry', reason: `unexpected: ${slackErrorOf(error)}` };
  }
}
