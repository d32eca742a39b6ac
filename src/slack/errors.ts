import { ErrorCode, type WebAPICallError } from '@slack/web-api';

const CALL_ERRORS: ReadonlySet<unknown> = new Set([
  ErrorCode.PlatformError,
  ErrorCode.RequestError,
  ErrorCode.HTTPError,
  ErrorCode.RateLimitedError,
]);

/**
 * A failed Web API call as the client throws it, told apart by its `code` as Bolt's own
 * error handler does (so an error from any client instance counts); undefined for anything else.
 */
export function webApiErrorOf(error: unknown): WebAPICallError | undefined {
  return CALL_ERRORS.has((error as { code?: unknown } | null)?.code) ? (error as WebAPICallError) : undefined;
}

/** Slack's own error code of an `ok: false` answer (`not_in_channel`…); undefined for any other failure. */
export function platformErrorOf(error: unknown): string | undefined {
  const failure = webApiErrorOf(error);
  return failure?.code === ErrorCode.PlatformError ? failure.data.error : undefined;
}

/** For logs: Slack's error code, or else what failed. */
export function slackErrorOf(error: unknown): string {
  return platformErrorOf(error) ?? (error instanceof Error ? error.message : String(error));
}
