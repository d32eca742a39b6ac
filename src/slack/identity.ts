import { platformErrorOf, slackErrorOf } from './errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../util/logger.ts';

/** Slack's answers to `auth.test` that no amount of waiting will fix. */
const FATAL_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission']);

export class SlackTokenRefusedError extends Error {
  override name = 'SlackTokenRefusedError';
}

export interface BotIdentity {
  botId: string;
  botUserId: string;
  teamId: string;
}

/**
 * Asks Slack who the bot token belongs to. While Slack is unreachable or failing it waits
 * and asks again (backing off to 30 s), logging each failure, so an outage at start-up
 * neither crashes the process nor ends it; a refused token ends the start with a clear
 * message. Stops waiting when `signal` aborts.
 */
export async function verifyBotToken(
  token: string,
  clientOptions: WebClientOptions,
  logger: Logger,
  signal: AbortSignal,
): Promise<BotIdentity> {
  const client = new WebClient(token, { ...clientOptions, retryConfig: { retries: 0 } });
  // Named in every retry line, so an operator sees where the app is knocking (SLACK_API_URL).
  const url = new URL('auth.test', clientOptions.slackApiUrl ?? 'https://slack.com/api/').href;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await client.auth.test();
      return { botId: answer.bot_id ?? '', botUserId: answer.user_id ?? '', teamId: answer.team_id ?? '' };
    } catch (error) {
      const slackError = platformErrorOf(error);
      if (slackError && FATAL_ERRORS.has(slackError)) {
        throw new SlackTokenRefusedError(
          `SLACK_BOT_TOKEN: Slack refused the token (${slackError}); check the bot token in the Slack app settings`,
        );
      }
      const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
      logger.warn(
        { url, attempt, reason: slackErrorOf(error), retryInMs: waitMs },
        `Slack is not reachable yet at ${url} (attempt ${attempt}); retrying in ${waitMs / 1000} s`,
      );
      await sleep(waitMs, undefined, { signal });
    }
  }
}
