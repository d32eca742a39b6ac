import { userNameSchema } from '../slack/arguments.ts';
import { actions, button, context, header, message, section, SLACK_LIMITS, type Block, type SlackMessage } from '../slack/blocks.ts';
import { code, escapeMrkdwn, slackDate } from '../slack/mrkdwn.ts';
import { formatMoney } from '../util/money.ts';
import type { StoredAlert } from './repository.ts';
import type { AlertEvent, AlertKind } from './schemas.ts';
import { CARD_ACTIONS } from '../slack/ids.ts';

const TITLES: Record<AlertKind, { emoji: string; title: string }> = {
  activated: { emoji: ':large_green_circle:', title: 'Customer activated' },
  updated: { emoji: ':pencil2:', title: 'Customer details updated' },
  deactivated: { emoji: ':red_circle:', title: 'Customer deactivated' },
  withdrawal: { emoji: ':money_with_wings:', title: 'Withdrawal from a trade script' },
  exit: { emoji: ':door:', title: 'Customer exited a trade script' },
  trade_script: { emoji: ':grey_question:', title: 'Trade-script event' },
};

/** What one event says, once for mrkdwn and once for the plain `text` fallback (both escaped). */
function describe(event: AlertEvent): { line: string; plain: string } {
  const who = code(event.newUserName);
  const renamed = event.oldUserName !== event.newUserName;
  const formerly = renamed && event.kind !== 'updated' ? ` (formerly ${code(event.oldUserName)})` : '';
  const plainWho = escapeMrkdwn(event.newUserName);
  switch (event.kind) {
    case 'activated':
      return { line: `${who}${formerly} was activated in DART.`, plain: `${plainWho} was activated` };
    case 'deactivated':
      return { line: `${who}${formerly} was deactivated in DART.`, plain: `${plainWho} was deactivated` };
    case 'updated':
      return renamed
        ? {
            line: `Details of ${who} were updated in DART. User name: ${code(event.oldUserName)} → ${who}`,
            plain: `${escapeMrkdwn(event.oldUserName)} → ${plainWho}: details updated`,
          }
        : { line: `Details of ${who} were updated in DART.`, plain: `${plainWho}: details updated` };
  }
  const amount = escapeMrkdwn(formatMoney(event.amount));
  const script = escapeMrkdwn(event.tradeScriptName);
  switch (event.kind) {
    case 'withdrawal':
      return { line: `${who}${formerly} withdrew *${amount}* from *${script}*.`, plain: `${plainWho} withdrew ${amount} from ${script}` };
    case 'exit':
      return {
        line: `${who}${formerly} left the trade script *${script}* (exit), taking *${amount}*.`,
        plain: `${plainWho} exited ${script} with ${amount}`,
      };
    case 'trade_script':
      return {
        line: `${who}${formerly} · *${amount}* · *${script}*. DART did not say withdrawal or exit; its message is below.`,
        plain: `${plainWho}: trade-script event, ${amount}, ${script}`,
      };
  }
}

/** Customer card and Balance buttons, when the user name is one the card actions accept. */
function customerButtons(alert: StoredAlert): Block[] {
  const userName = alert.event.newUserName;
  if (!userNameSchema.safeParse(userName).success) return [];
  return [
    actions(`alert:${alert.id}`, [button('Customer card', CARD_ACTIONS.show, userName), button('Balance', CARD_ACTIONS.balance, userName)]),
  ];
}

/** The one-line mrkdwn form of an event: icon, kind, what happened (used in digests and history). */
function alertLine(event: AlertEvent): string {
  const { emoji, title } = TITLES[event.kind];
  return `${emoji} *${title}* · ${describe(event).line}`;
}

/** One event as an entry of `/dart history` (plugs into a `HistorySource`). */
export function historyEntry(alert: StoredAlert): { at: Date; line: string } {
  return { at: alert.receivedAt, line: `${alertLine(alert.event)} · ${slackDate(alert.receivedAt)} _(DART webhook)_` };
}

/** The channel alert for one event: title, what happened, when it was received, DART's words, buttons. */
export function alertMessage(alert: StoredAlert): SlackMessage {
  const { event } = alert;
  const { emoji, title } = TITLES[event.kind];
  const { line, plain } = describe(event);
  return message(`${title}: ${plain}`, [
    header(`${emoji} ${title}`),
    section(line),
    context(`Received ${slackDate(alert.receivedAt)} · DART: ${escapeMrkdwn(event.message)}`),
    ...customerButtons(alert),
  ]);
}

// Header and footer, plus at most a section and a row of buttons per event.
const DIGEST_FRAME_BLOCKS = 2;
const BLOCKS_PER_EVENT = 2;

/** The most events one digest message holds within Slack's 50 blocks; more are sent as further digests. */
export const MAX_EVENTS_PER_DIGEST = Math.floor((SLACK_LIMITS.blocksPerMessage - DIGEST_FRAME_BLOCKS) / BLOCKS_PER_EVENT);

/**
 * Several queued events of one channel as one message, so a burst is visible in seconds
 * despite Slack's one-message-per-second per channel. Every event gets its own line (cut
 * to Slack's 3000 characters, never left out); callers pass at most
 * `MAX_EVENTS_PER_DIGEST`.
 */
export function digestMessage(alerts: readonly StoredAlert[]): SlackMessage {
  if (alerts.length > MAX_EVENTS_PER_DIGEST) {
    throw new RangeError(`a digest holds at most ${MAX_EVENTS_PER_DIGEST} events (got ${alerts.length})`);
  }
  const counts = new Map<string, number>();
  for (const { event } of alerts) counts.set(TITLES[event.kind].title, (counts.get(TITLES[event.kind].title) ?? 0) + 1);
  const summary = [...counts].map(([title, count]) => `${count} × ${title.toLowerCase()}`).join(', ');
  return message(`${alerts.length} DART events: ${summary}`, [
    header(`:inbox_tray: ${alerts.length} DART events`),
    ...alerts.flatMap((alert) => [
      section(`${alertLine(alert.event)}\n_Received ${slackDate(alert.receivedAt)}_ · DART: ${escapeMrkdwn(alert.event.message)}`),
      ...customerButtons(alert),
    ]),
    context('Combined into one message because they arrived faster than Slack allows per channel.'),
  ]);
}
