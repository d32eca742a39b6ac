import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../util/logger.ts';
import { slackLogger } from './bolt-logger.ts';

export interface WebClientSettings {
  /** `SLACK_API_URL`. */
  apiUrl: string;
  /** How long one call may take. */
  timeoutMs: number;
  logger: Logger;
  /** Counts failed calls (the metrics' `slackFetch`). */
  fetch: WebClientOptions['fetch'];
}

/**
 * The options of every Web API client of the app (Bolt's included). The SDK never retries
 * and never queues behind a 429: an interactive reply has a person waiting and a retry
 * would outlive Slack's trigger ids, a retried chat.postMessage whose first try landed
 * would post a second transfer confirmation, and the outbox owns its own retries.
 */
export function webClientOptions({ apiUrl, timeoutMs, logger, fetch }: WebClientSettings): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    timeout: timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(logger),
    fetch,
  };
}

/** A Web API client with the bot token, built as every client of the app is. */
export function botClient(token: string, settings: WebClientSettings): WebClient {
  return new WebClient(token, webClientOptions(settings));
}
