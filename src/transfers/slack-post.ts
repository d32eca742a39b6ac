import { ErrorCode } from '@slack/web-api';
import { platformErrorOf, webApiErrorOf } from '../slack/errors.ts';

/**
 * Slack's errors to `chat.postMessage` that it returns before posting anything: with one
 * of these, the message certainly does not exist. Others, such as `internal_error` and
 * `fatal_error`, are documented as "some aspect of the operation may have succeeded".
 */
const REFUSED_BEFORE_POSTING = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'too_many_attachments',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'missing_scope',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'ratelimited',
]);

/**
 * The Slack error code when `error` (thrown by the Web API client) proves that Slack did
 * not post the message; undefined when it may have (timeout, dropped connection, 5xx,
 * unreadable answer, or an error Slack does not promise to raise before posting).
 */
export function refusedPost(error: unknown): string | undefined {
  if (webApiErrorOf(error)?.code === ErrorCode.RateLimitedError) return 'ratelimited';
  const slackError = platformErrorOf(error);
  return slackError !== undefined && REFUSED_BEFORE_POSTING.has(slackError) ? slackError : undefined;
}
