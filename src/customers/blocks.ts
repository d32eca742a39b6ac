import { fullName } from '../dart/names.ts';
import type { Customer } from '../dart/schemas.ts';
import type { Role } from '../slack/access.ts';
import {
  actions,
  button,
  confirmDialog,
  context,
  fields,
  header,
  message,
  section,
  type Button,
  type SlackMessage,
} from '../slack/blocks.ts';
import { code, escapeMrkdwn } from '../slack/mrkdwn.ts';
import { formatMoney } from '../util/money.ts';
import { describeAccount, describeSuspension, type CustomerState, type SuspensionState } from './state.ts';
import { CARD_ACTIONS } from '../slack/ids.ts';

/**
 * The follow-up buttons the caller's roles allow. Suspend or Resume as the state calls
 * for; both when the app recorded no suspension (one may have been set outside it) or
 * when its newest suspend or resume has an unknown outcome.
 */
function cardButtons(userName: string, roles: ReadonlySet<Role>, suspension: SuspensionState): Button[] {
  const buttons: Button[] = [];
  if (roles.has('viewer')) {
    buttons.push(button('Balance', CARD_ACTIONS.balance, userName), button('Trade scripts', CARD_ACTIONS.scripts, userName));
  }
  if (roles.has('operator')) {
    const resume = button('Resume', CARD_ACTIONS.resume, userName);
    resume.confirm = confirmDialog('Lift the restriction?', `Let ${userName} use trade scripts again now?`, 'Resume');
    buttons.push(button('Edit', CARD_ACTIONS.edit, userName));
    if (suspension.kind !== 'suspended') buttons.push(button('Suspend', CARD_ACTIONS.suspend, userName, 'danger'));
    if (suspension.kind === 'suspended' || suspension.kind === 'unknown' || suspension.kind === 'outcome-unknown') buttons.push(resume);
  }
  if (roles.has('treasurer')) buttons.push(button('Transfer', CARD_ACTIONS.transfer, userName));
  return buttons;
}

/** The customer card: name, user name, email, the state the app knows, and buttons for what the caller may do next. */
export function customerCard(customer: Customer, roles: ReadonlySet<Role>, state: CustomerState): SlackMessage {
  const name = fullName(customer);
  const buttons = cardButtons(customer.dart_user_name, roles, state.suspension);
  const account = describeAccount(state.account);
  return message(escapeMrkdwn(`${name} (${customer.dart_user_name}) · ${customer.email}`), [
    header(name),
    ...fields([
      ['Name', escapeMrkdwn(name)],
      ['User name', code(customer.dart_user_name)],
      ['Email', escapeMrkdwn(customer.email)],
      ['Trade scripts', describeSuspension(state.suspension)],
      ...(account ? [['Account', account] as const] : []),
    ]),
    ...(buttons.length > 0 ? [actions(`customer:${customer.dart_user_name}`.slice(0, 255), buttons)] : []),
  ]);
}

/** The total USDC balance of one customer. */
export function balanceMessage(userName: string, balance: string): SlackMessage {
  const shown = formatMoney(balance);
  return message(escapeMrkdwn(`USDC balance of ${userName}: ${shown}`), [
    section(`*USDC balance* of ${code(userName)}\n*${escapeMrkdwn(shown)}*`),
    context('Total across the customer’s wallets, as DART reports it.'),
  ]);
}

/** The value of one custom token (e.g. Chaos). */
export function tokenValueMessage(userName: string, token: string, value: string): SlackMessage {
  const shown = formatMoney(value);
  return message(escapeMrkdwn(`${token} value of ${userName}: ${shown}`), [
    section(`*${escapeMrkdwn(token)}* token value of ${code(userName)}\n*${escapeMrkdwn(shown)}*`),
  ]);
}
