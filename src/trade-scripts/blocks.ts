import type { TradeScript } from '../dart/schemas.ts';
import { context, divider, fields, header, message, section, type Block, type SlackMessage } from '../slack/blocks.ts';
import { code, escapeMrkdwn } from '../slack/mrkdwn.ts';
import { calendarDate, utcDay } from '../util/dates.ts';
import { formatMoney } from '../util/money.ts';
import { describeAccount, describeSuspension, type CustomerState } from '../customers/state.ts';

/**
 * DART documents no trade-script status codes: a status sent as words is shown as is, a
 * numeric one as its raw code, so nobody is shown a meaning we guessed.
 */
export function statusLabel(status: TradeScript['status']): string {
  const text = String(status).trim();
  return /^\d+$/.test(text) ? `code ${text}` : text;
}

/** Activation dates are calendar dates without a time zone; shown as `8 Jun 2022`. */
export function activationDate(value: string | null): string {
  if (!value) return 'not yet';
  const date = calendarDate(value);
  return date ? utcDay(date) : value;
}

function scriptBlocks(script: TradeScript): Block[] {
  return [
    section(`*${escapeMrkdwn(script.trade_script_name)}*`),
    ...fields([
      ['Initial', escapeMrkdwn(formatMoney(script.initial_amount))],
      ['Current', escapeMrkdwn(formatMoney(script.current_amount))],
      ['Total deposit', escapeMrkdwn(formatMoney(script.total_deposit))],
      ['Status', escapeMrkdwn(statusLabel(script.status))],
      ['Activated', escapeMrkdwn(activationDate(script.activate_date))],
    ]),
  ];
}

/** Every trade script of a customer; `message` keeps it within Slack's 50 blocks. */
export function tradeScriptsMessage(userName: string, scripts: TradeScript[], state: CustomerState): SlackMessage {
  const account = describeAccount(state.account);
  const known = context([describeSuspension(state.suspension), ...(account ? [account] : [])].join(' · '));
  if (scripts.length === 0) {
    return message(escapeMrkdwn(`${userName} has no trade scripts.`), [section(`${code(userName)} has no trade scripts.`), known]);
  }
  const blocks = scripts.flatMap((script, index) => [...(index > 0 ? [divider()] : []), ...scriptBlocks(script)]);
  const summary = scripts.map((script) => `${script.trade_script_name}: ${formatMoney(script.current_amount)}`).join('; ');
  return message(escapeMrkdwn(`Trade scripts of ${userName}: ${summary}`), [
    header(`Trade scripts of ${userName}`),
    context(`${scripts.length} trade script${scripts.length === 1 ? '' : 's'}`),
    known,
    ...blocks,
  ]);
}
