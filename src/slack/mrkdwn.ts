import { withoutBidiControls } from '../util/text.ts';
import { utcDayTime } from '../util/dates.ts';

/**
 * Escapes text from DART or from users for Slack mrkdwn. Slack only parses `<…>` for
 * mentions and links, so escaping `&`, `<` and `>` means a name like `<!channel>` or
 * `<https://evil|click>` is shown literally and can never ping or link. Bare `@channel`
 * does not ping from a bot message because we never set `link_names`. Bidirectional
 * controls are dropped, so no text can make the rest of its line read backwards.
 */
export function escapeMrkdwn(text: string): string {
  return withoutBidiControls(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `escapeMrkdwn` inside inline code, with backticks removed so the span cannot be closed early. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text).replaceAll('`', "'")}\``;
}

/** A user mention, from a Slack user id we received from Slack itself. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/**
 * A time shown in each reader's own time zone: Slack's `<!date^…>` token (default
 * "Mon 24 Nov at 14:05"-like), with a UTC fallback for clients that cannot render it.
 */
export function slackDate(at: Date, tokens = '{date_short_pretty} at {time}'): string {
  const fallback = utcDayTime(at);
  return `<!date^${Math.floor(at.getTime() / 1000)}^${tokens}|${fallback}>`;
}
