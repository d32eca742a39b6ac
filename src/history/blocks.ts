import { actions, button, context, header, message, section, type Block, type SlackMessage } from '../slack/blocks.ts';
import { code, escapeMrkdwn } from '../slack/mrkdwn.ts';
import type { HistoryCursor, HistoryPage } from './source.ts';
import { HISTORY_ACTIONS } from '../slack/ids.ts';

/**
 * What the Older button carries, as it travels: whose history (`u`), where the next page
 * starts (`t` and `s`, a `HistoryCursor`) and how many entries were shown before (`n`).
 * One-letter keys because every Older button already posted in a channel carries them
 * (a wire contract) and a button's value must fit Slack's 2,000 characters.
 */
interface HistoryButtonValue {
  u: string;
  t: number;
  s: number;
  n: number;
}

/** One page of a customer's history, newest first, with an Older button when there is more. */
export function historyMessage(customer: string, page: HistoryPage, shownBefore: number): SlackMessage {
  const blocks: Block[] = [header(`History of ${customer}`)];
  const first = shownBefore + 1;
  const last = shownBefore + page.entries.length;
  const range = first === last ? `entry ${first}` : `entries ${first}–${last}`;
  const otherNames = page.names.filter((name) => name !== customer);
  if (otherNames.length > 0) {
    blocks.push(context(`Also under ${otherNames.map(code).join(', ')}: DART reported a change of user name.`));
  }
  if (page.entries.length === 0) {
    blocks.push(section(shownBefore === 0 ? `Nothing recorded for ${code(customer)} yet.` : 'No older entries.'));
  } else {
    blocks.push(...page.entries.map((entry) => section(entry.line)), context(`Newest first · ${range}`));
  }
  if (page.unavailable.length > 0) {
    blocks.push(context(`:warning: Could not read ${escapeMrkdwn(page.unavailable.join(', '))}; this history may be incomplete.`));
  }
  if (page.next)
    blocks.push(
      actions(`history:${customer}`.slice(0, 255), [button('Older', HISTORY_ACTIONS.older, olderValue(customer, page.next, last))]),
    );
  const summary = page.entries.length === 0 ? 'nothing recorded' : range;
  return message(`History of ${customer}: ${summary}`, blocks);
}

function olderValue(customer: string, next: HistoryCursor, shown: number): string {
  const value: HistoryButtonValue = { u: customer, t: next.at, s: next.skip, n: shown };
  return JSON.stringify(value);
}
