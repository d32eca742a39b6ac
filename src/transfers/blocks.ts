import type { types } from '@slack/bolt';
import { actions, button, context, fields, header, message, section, type SlackMessage } from '../slack/blocks.ts';
import { modal, textInput, type ModalView } from '../slack/modals.ts';
import { code, escapeMrkdwn, mention, slackDate } from '../slack/mrkdwn.ts';
import { formatCents, formatMoney } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';
import type { Freeze, LateAnswer, Resolution, Transfer } from './repository.ts';
import { TRANSFER_ACTIONS, VIEWS } from '../slack/ids.ts';

/** What the confirmation says the transfer is doing, in a few words, for the text fallback. */
const STATUS: Record<Transfer['state'], (transfer: Transfer) => string> = {
  requested: (t) => (t.needsApproval ? `waiting for ${approvalsLeft(t)}` : 'waiting for the requester’s confirmation'),
  executing: () => 'executing',
  succeeded: () => 'transferred',
  failed: () => 'failed, DART refused it',
  unknown: (t) =>
    t.resolution
      ? `${RESOLVED[t.resolution.outcome]}${contradicts(t.resolution, t.lateAnswer) ? `, BUT DART ANSWERED LATER THAT IT ${t.lateAnswer?.outcome.toUpperCase()}: check DART` : ''}`
      : 'OUTCOME UNKNOWN, check in DART',
  cancelled: () => 'cancelled',
  expired: () => 'expired',
  void: () => 'VOID, cannot be used',
  refused: () => 'refused, nothing was sent',
};

/** What an unknown transfer's status says once a treasurer has resolved it. */
const RESOLVED: Record<Resolution['outcome'], string> = {
  sent: 'unknown at first, marked as sent',
  not_sent: 'unknown at first, marked as not sent',
};

/**
 * The confirmation message, which is also the transfer's record: while it waits, who may
 * do what and its buttons; afterwards the buttons give way to its history, one line a
 * step, so the channel keeps the whole record of a transfer in one message. While transfers
 * are frozen (`freeze`), a waiting transfer says so and why, and one already sent to DART
 * says the freeze does not stop it.
 */
export function transferMessage(transfer: Transfer, freeze?: Freeze): SlackMessage {
  const amount = formatMoney(transfer.amount);
  const customer = `${escapeMrkdwn(transfer.customerName)} (${code(transfer.customer)})`;
  const open = transfer.state === 'requested';
  const unresolved = transfer.state === 'unknown' && !transfer.resolution;
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
      ...(freeze && open ? [section(frozenNotice(freeze))] : []),
      ...(freeze && underWayAt(transfer, freeze) ? [section(UNDER_WAY_AT_FREEZE)] : []),
      ...(unresolved ? [section(UNKNOWN_WARNING), actions(`transfer-resolve:${transfer.id}`, resolveButtons(transfer))] : []),
      context(`Transfer ${code(transfer.id)} to the customer’s main wallet in DART`),
    ],
  );
}

/** What a person must do when a transfer's outcome is unknown. */
const UNKNOWN_WARNING =
  ':warning: *The money may or may not have moved.* Check the customer’s main wallet in DART, then press *Mark as sent* or *Mark as not sent* with what you found. This app will not send this transfer again.';

/** Shown on a transfer whose DART call was under way when transfers were frozen. */
const UNDER_WAY_AT_FREEZE = ':snowflake: Transfers were frozen while this one was already with DART: the freeze does not stop it.';

/** True when `transfer` had gone to DART before `freeze` and its call was still under way when it came. */
function underWayAt(transfer: Transfer, freeze: Freeze): boolean {
  const sent = ['executing', 'succeeded', 'failed', 'unknown'].includes(transfer.state);
  const started = transfer.decidedAt !== undefined && transfer.decidedAt < freeze.at;
  return sent && started && (transfer.finishedAt === undefined || transfer.finishedAt >= freeze.at);
}

/** The freeze as a waiting confirmation shows it (mrkdwn). */
export function frozenNotice(freeze: Freeze): string {
  return `:snowflake: *Transfers are frozen* since ${slackDate(freeze.at)} by ${mention(freeze.by)}: “${escapeMrkdwn(freeze.reason)}”. Confirm and Approve are refused until a treasurer other than ${mention(freeze.by)} runs \`/dart unfreeze\`.`;
}

/** `a second treasurer's approval`, or for two approvers how many are still needed. */
function approvalsLeft(transfer: Transfer): string {
  if (!transfer.secondApproval) return 'a second treasurer’s approval';
  return transfer.approvedBy ? '1 more approval (1 of 2 given)' : '2 approvals';
}

function whoMayAct(transfer: Transfer): string {
  const requester = mention(transfer.requestedBy);
  const cancel = `${requester} or any treasurer may cancel.`;
  if (transfer.secondApproval) {
    const first = transfer.approvedBy
      ? `Approved by ${mention(transfer.approvedBy)}${transfer.approvedAt ? ` ${slackDate(transfer.approvedAt)}` : ''}; *1 more approval needed*, from a treasurer other than ${requester} and ${mention(transfer.approvedBy)}, which sends it.`
      : `*2 approvals needed*, from two different treasurers other than ${requester}; the second sends it.`;
    return `This amount needs two treasurers. ${first} ${cancel}`;
  }
  return transfer.needsApproval
    ? `This amount needs a second treasurer: any treasurer other than ${requester} may *Approve*, which sends it. ${cancel}`
    : `Only ${requester} may *Confirm*, which sends it. ${cancel}`;
}

function resolveButtons(transfer: Transfer): types.Button[] {
  return [
    button('Mark as sent', TRANSFER_ACTIONS.markSent, transfer.id),
    button('Mark as not sent', TRANSFER_ACTIONS.markNotSent, transfer.id),
  ];
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
      if (transfer.approvedBy)
        lines.push(`:ballot_box_with_check: Approved by ${mention(transfer.approvedBy)} (1 of 2)${when(transfer.approvedAt)}`);
      lines.push(
        `:ballot_box_with_check: ${transfer.needsApproval ? 'Approved' : 'Confirmed'} by ${by}${transfer.approvedBy ? ' (2 of 2)' : ''}${when(transfer.decidedAt)}`,
      );
      if (transfer.state === 'executing') lines.push(':hourglass_flowing_sand: Executing… sent to DART, waiting for its answer');
      if (transfer.state === 'succeeded') lines.push(`:white_check_mark: Transferred · DART answered${answer}${when(transfer.finishedAt)}`);
      if (transfer.state === 'failed') lines.push(`:x: Failed · DART refused it${answer}${when(transfer.finishedAt)}`);
      if (transfer.state === 'unknown') lines.push(`:grey_question: Outcome unknown${answer}${when(transfer.finishedAt)}`);
      if (transfer.resolution) lines.push(resolutionLine(transfer.resolution, contradicts(transfer.resolution, transfer.lateAnswer)));
      if (transfer.resolution && transfer.lateAnswer) lines.push(lateAnswerLine(transfer.resolution, transfer.lateAnswer));
  }
  return lines;
}

/** True when DART's late answer says the opposite of the resolution (a success marked not sent, or a failure marked sent). */
function contradicts(resolution: Resolution | undefined, lateAnswer: LateAnswer | undefined): boolean {
  if (!resolution || !lateAnswer) return false;
  return resolution.outcome === 'sent' ? lateAnswer.outcome === 'failed' : lateAnswer.outcome === 'succeeded';
}

/** The longest resolution note shown on a message; cut before escaping, so no escape is ever cut in half. */
const NOTE_SHOWN = 300;

/** The history line of a resolution: what was found, who found it, when, and their note. */
function resolutionLine(resolution: Resolution, contradicted: boolean): string {
  const found = resolution.outcome === 'sent' ? ':white_check_mark: Marked as sent' : ':leftwards_arrow_with_hook: Marked as not sent';
  // Never invite a new request when DART says this one went through: that would pay twice.
  const after = resolution.outcome === 'sent' || contradicted ? '' : ' · request a new transfer if it is still needed';
  const note = resolution.note.length > NOTE_SHOWN ? `${resolution.note.slice(0, NOTE_SHOWN)}…` : resolution.note;
  return `${found} by ${mention(resolution.by)} · ${slackDate(resolution.at)} · “${escapeMrkdwn(note)}”${after}`;
}

/** DART's answer that came after the resolution: a loud warning when it says the opposite. */
function lateAnswerLine(resolution: Resolution, late: LateAnswer): string {
  const said = { succeeded: 'the transfer succeeded', failed: 'it refused the transfer', unknown: 'nothing clear' }[late.outcome];
  const answer = `DART answered later that ${said} (${escapeMrkdwn(late.detail)}) · ${slackDate(late.at)}`;
  const marked = resolution.outcome === 'sent' ? 'marked as sent' : 'marked as not sent';
  if (!contradicts(resolution, late)) return `:information_source: ${answer}`;
  return `:rotating_light: *${answer}, but it was ${marked} by ${mention(resolution.by)}: check DART before anyone requests it again.*`;
}

/** The ephemeral note to the requester once the confirmation is posted. */
export function requestedNote(transfer: Transfer): SlackMessage {
  // "expires at Today at 14:05" reads wrong: the length first, then Slack's own date words.
  const minutes = Math.round((transfer.expiresAt.getTime() - transfer.requestedAt.getTime()) / 60_000);
  const next = transfer.secondApproval
    ? 'Two other treasurers must press *Approve* on it, one after the other; the second approval sends it.'
    : transfer.needsApproval
      ? 'Another treasurer must press *Approve* on it.'
      : 'Press *Confirm* on it to send the money.';
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
  const max = formatCents(options.limits.maxCents);
  const threshold = formatCents(options.limits.approvalCents);
  const second = options.limits.secondApprovalCents;
  const two = second === undefined ? '' : ` From ${formatCents(second)} two other treasurers must approve.`;
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
        hint: `Plain digits, at most 2 decimals: 50, 50.5 or 1,000.00. At most ${max}; from ${threshold} a second treasurer must approve.${two}`,
        initial: options.amount,
      }),
      context('A confirmation is posted in this channel; nothing is sent until it is confirmed (or approved).'),
    ],
  });
}
