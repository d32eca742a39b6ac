import type { types } from '@slack/bolt';
import { actions, button, context, fields, header, message, section, type SlackMessage } from '../slack/blocks.ts';
import { modal, textInput, type ModalView } from '../slack/modals.ts';
import { code, escapeMrkdwn, mention, slackDate } from '../slack/mrkdwn.ts';
import { centsToDecimal, formatMoney } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';
import type { Transfer } from './repository.ts';
import { TRANSFER_ACTIONS, VIEWS } from '../slack/ids.ts';

/** What the confirmation says the transfer is doing, in a few words, for the text fallback. */
const STATUS: Record<Transfer['state'], (transfer: Transfer) => string> = {
  requested: (t) => (t.needsApproval ? 'waiting for a second treasurer’s approval' : 'waiting for the requester’s confirmation'),
  executing: () => 'executing',
  succeeded: () => 'transferred',
  failed: () => 'failed, DART refused it',
  unknown: () => 'OUTCOME UNKNOWN, check in DART',
  cancelled: () => 'cancelled',
  expired: () => 'expired',
  void: () => 'VOID, cannot be used',
  refused: () => 'refused, nothing was sent',
};

/**
 * The confirmation message, which is also the transfer's record: while it waits, who may
 * do what and its buttons; afterwards the buttons give way to its history, one line a
 * step, so the channel keeps the whole record of a transfer in one message.
 */
export function transferMessage(transfer: Transfer): SlackMessage {
  const amount = formatMoney(transfer.amount);
  const customer = `${escapeMrkdwn(transfer.customerName)} (${code(transfer.customer)})`;
  const open = transfer.state === 'requested';
  return message(
    `Transfer of ${amount} to ${escapeMrkdwn(transfer.customerName)} (${escapeMrkdwn(transfer.customer)}), requested by ${mention(transfer.requestedBy)}: ${STATUS[transfer.state](transfer)}`,
    [
      header(`Transfer of ${amount}`),
      ...fields([
        ['Customer', customer],
        ['Amount', `*${escapeMrkdwn(amount)}*`],
        ['Requested by', mention(transfer.requestedBy)],
        open ? ['Expires', slackDate(transfer.expiresAt)] : ['Status', STATUS[transfer.state](transfer)],
      ]),
      ...(open
        ? [section(whoMayAct(transfer)), actions(`transfer:${transfer.id}`, buttonsOf(transfer))]
        : [section(history(transfer).join('\n'))]),
      ...(transfer.state === 'unknown' ? [section(UNKNOWN_WARNING)] : []),
      context(`Transfer ${code(transfer.id)} to the customer’s main wallet in DART`),
    ],
  );
}

/** What a person must do when a transfer's outcome is unknown. */
const UNKNOWN_WARNING =
  ':warning: *The money may or may not have moved.* Check the customer’s main wallet in DART before anyone tries again. This app will not send this transfer again.';

function whoMayAct(transfer: Transfer): string {
  const requester = mention(transfer.requestedBy);
  return transfer.needsApproval
    ? `This amount needs a second treasurer: any treasurer other than ${requester} may *Approve*, which sends it. ${requester} or any treasurer may cancel.`
    : `Only ${requester} may *Confirm*, which sends it. ${requester} or any treasurer may cancel.`;
}

function buttonsOf(transfer: Transfer): types.Button[] {
  const go = transfer.needsApproval
    ? button('Approve', TRANSFER_ACTIONS.approve, transfer.id, 'primary')
    : button('Confirm', TRANSFER_ACTIONS.confirm, transfer.id, 'primary');
  return [go, button('Cancel', TRANSFER_ACTIONS.cancel, transfer.id, 'danger')];
}

/** One line per step that has happened, oldest first. */
export function history(transfer: Transfer): string[] {
  const when = (at: Date | undefined) => (at ? ` · ${slackDate(at)}` : '');
  const by = transfer.decidedBy ? mention(transfer.decidedBy) : 'someone';
  const answer = transfer.detail ? `: ${escapeMrkdwn(transfer.detail)}` : '';
  const lines = [`:inbox_tray: Requested by ${mention(transfer.requestedBy)}${when(transfer.requestedAt)}`];
  switch (transfer.state) {
    case 'requested':
      break;
    case 'cancelled':
      lines.push(`:no_entry_sign: Cancelled by ${by}${when(transfer.decidedAt)} · nothing was sent`);
      break;
    case 'expired':
      lines.push(`:hourglass: Expired, not confirmed in time${when(transfer.expiresAt)} · nothing was sent`);
      break;
    case 'void':
      lines.push(`:no_entry: Void${answer}${when(transfer.decidedAt)} · this confirmation cannot be used · nothing was sent`);
      break;
    case 'refused':
      lines.push(
        `:no_entry_sign: Refused when ${by} pressed it${answer}${when(transfer.decidedAt)} · nothing was sent; it may be requested again`,
      );
      break;
    default:
      lines.push(`:ballot_box_with_check: ${transfer.needsApproval ? 'Approved' : 'Confirmed'} by ${by}${when(transfer.decidedAt)}`);
      if (transfer.state === 'executing') lines.push(':hourglass_flowing_sand: Executing… sent to DART, waiting for its answer');
      if (transfer.state === 'succeeded') lines.push(`:white_check_mark: Transferred · DART answered${answer}${when(transfer.finishedAt)}`);
      if (transfer.state === 'failed') lines.push(`:x: Failed · DART refused it${answer}${when(transfer.finishedAt)}`);
      if (transfer.state === 'unknown') lines.push(`:grey_question: Outcome unknown${answer}${when(transfer.finishedAt)}`);
  }
  return lines;
}

/** The ephemeral note to the requester once the confirmation is posted. */
export function requestedNote(transfer: Transfer): SlackMessage {
  // "expires at Today at 14:05" reads wrong: the length first, then Slack's own date words.
  const minutes = Math.round((transfer.expiresAt.getTime() - transfer.requestedAt.getTime()) / 60_000);
  const next = transfer.needsApproval ? 'Another treasurer must press *Approve* on it.' : 'Press *Confirm* on it to send the money.';
  const text = `Transfer of ${formatMoney(transfer.amount)} to ${code(transfer.customer)} posted for confirmation. ${next} It expires in ${minutes} minute${minutes === 1 ? '' : 's'} (${slackDate(transfer.expiresAt)}).`;
  return message(text, [section(text)]);
}

/** The request form's fields: each an input block whose block id names the field. */
export const TRANSFER_FIELDS = { user: 'user', amount: 'amount' } as const;

/** What the form carries back: the channel its confirmation is posted in. */
export interface TransferFormMetadata {
  channel: string;
}

/** The request form; `userName` (and `amount`, after a refusal) pre-fill it, `notice` says what went wrong. */
export function transferForm(options: {
  metadata: TransferFormMetadata;
  limits: TransferLimits;
  userName?: string;
  amount?: string;
  notice?: string;
}): ModalView {
  const max = formatMoney(centsToDecimal(options.limits.maxCents));
  const threshold = formatMoney(centsToDecimal(options.limits.approvalCents));
  return modal({
    callbackId: VIEWS.transfer,
    title: 'Transfer',
    submit: 'Request',
    metadata: options.metadata,
    blocks: [
      ...(options.notice ? [section(options.notice)] : []),
      textInput({
        blockId: TRANSFER_FIELDS.user,
        label: 'Customer (DART user name)',
        hint: 'The DART user name, e.g. billyjoel, not the email.',
        initial: options.userName,
      }),
      textInput({
        blockId: TRANSFER_FIELDS.amount,
        label: 'Amount (USDC)',
        hint: `Plain digits, at most 2 decimals: 50, 50.5 or 1,000.00. At most ${max}; from ${threshold} a second treasurer must approve.`,
        initial: options.amount,
      }),
      context('A confirmation is posted in this channel; nothing is sent until it is confirmed (or approved).'),
    ],
  });
}
