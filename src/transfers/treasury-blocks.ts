import type { types } from '@slack/bolt';
import { context, message, section, type SlackMessage } from '../slack/blocks.ts';
import { modal, INPUT_ACTION } from '../slack/modals.ts';
import { VIEWS } from '../slack/ids.ts';
import { code, escapeMrkdwn, mention, slackDate } from '../slack/mrkdwn.ts';
import { formatMoney } from '../util/money.ts';
import { frozenNotice } from './blocks.ts';
import type { Freeze, Resolution, Transfer } from './repository.ts';

/** The resolution modal's callback id and its note field's block id. */
export const RESOLVE_VIEW = { callbackId: VIEWS.transferResolve, note: 'note' } as const;

/** What a resolution modal carries back to its submission. */
interface ResolveMetadata {
  id: string;
  outcome: Resolution['outcome'];
}

const OUTCOME_WORDS: Record<Resolution['outcome'], string> = { sent: 'Mark as sent', not_sent: 'Mark as not sent' };

/**
 * The modal behind **Mark as sent** / **Mark as not sent**: what is being resolved, and a
 * required note saying what was checked in DART.
 */
export function resolveModal(transfer: Transfer, outcome: Resolution['outcome']): types.ModalView {
  const meaning =
    outcome === 'sent'
      ? 'You checked DART and the money *did* reach the customer’s main wallet. It then counts as sent, also toward the daily limits.'
      : 'You checked DART and the money did *not* move. It then stops counting toward the daily limits; if it is still needed, request a *new* transfer (this one is never sent again).';
  const metadata: ResolveMetadata = { id: transfer.id, outcome };
  return modal({
    callbackId: RESOLVE_VIEW.callbackId,
    title: OUTCOME_WORDS[outcome],
    submit: outcome === 'sent' ? 'Mark as sent' : 'Mark as not sent',
    metadata,
    blocks: [
      section(
        `Transfer of *${escapeMrkdwn(formatMoney(transfer.amount))}* to ${code(transfer.customer)}, requested by ${mention(transfer.requestedBy)}: its outcome is unknown.`,
      ),
      section(meaning),
      {
        type: 'input',
        block_id: RESOLVE_VIEW.note,
        label: { type: 'plain_text', text: 'What did you check in DART?' },
        hint: { type: 'plain_text', text: 'Required. Shown on the transfer’s message, in the audit log and in /dart history.' },
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 1000 },
      },
      context('Nothing is sent to DART by this.'),
    ],
  });
}

/** A link to a message in Slack, which opens it in whatever workspace the reader is in. */
function messageLink(transfer: Transfer): string {
  if (!transfer.channel || !transfer.messageTs) return 'no message recorded';
  return `<https://slack.com/archives/${transfer.channel}/p${transfer.messageTs.replace('.', '')}|message>`;
}

/** One line of `/dart transfers`: amount, customer, what it waits for and from whom, and its message. */
function attentionLine(transfer: Transfer): string {
  const what = `*${escapeMrkdwn(formatMoney(transfer.amount))}* to ${code(transfer.customer)}, requested by ${mention(transfer.requestedBy)} ${slackDate(transfer.requestedAt)}`;
  if (transfer.state === 'unknown') {
    return `:grey_question: ${what} · *outcome unknown*: any treasurer who checked DART may mark it as sent or not sent · ${messageLink(transfer)}`;
  }
  const requester = mention(transfer.requestedBy);
  let who: string;
  if (!transfer.needsApproval) who = `waits for ${requester} to confirm`;
  else if (!transfer.secondApproval) who = `waits for approval by a treasurer other than ${requester}`;
  else if (transfer.approvedBy)
    who = `approved by ${mention(transfer.approvedBy)}; waits for 1 more approval by a treasurer other than ${requester} and ${mention(transfer.approvedBy)}`;
  else who = `waits for 2 approvals by treasurers other than ${requester}`;
  return `:hourglass_flowing_sand: ${what} · ${who} · expires ${slackDate(transfer.expiresAt)} · ${messageLink(transfer)}`;
}

/**
 * `/dart transfers`: the freeze if any, then what needs someone now, oldest first: `total`
 * in all, of which the oldest `transfers` are listed (one block each, within Slack's limit).
 */
export function attentionMessage(transfers: readonly Transfer[], total: number, freeze: Freeze | undefined): SlackMessage {
  const more = total - transfers.length;
  const summary =
    total === 0
      ? 'No transfer needs anyone now.'
      : `${total} transfer${total === 1 ? ' needs' : 's need'} someone now, oldest first${more > 0 ? ` (the oldest ${transfers.length} are listed)` : ''}:`;
  return message(`${freeze ? 'Transfers are frozen. ' : ''}${summary}`, [
    ...(freeze ? [section(frozenNotice(freeze))] : []),
    section(`*${summary}*`),
    ...transfers.map((transfer) => section(attentionLine(transfer))),
    ...(more > 0 ? [section(`…and ${more} more, newer than these: deal with the oldest first, or find them in the channel.`)] : []),
  ]);
}

/** The channel and audit-channel announcement of a freeze. */
export function freezeAnnouncement(freeze: Freeze): SlackMessage {
  const text = `:snowflake: ${mention(freeze.by)} froze all transfers: “${escapeMrkdwn(freeze.reason)}”. No transfer moves until a treasurer other than ${mention(freeze.by)} runs \`/dart unfreeze\`; transfers already sent to DART are not affected.`;
  return message(text, [section(text)]);
}

/** The announcement of the end of a freeze. */
export function unfreezeAnnouncement(freeze: Freeze, by: string): SlackMessage {
  const text = `:sunny: ${mention(by)} lifted the freeze that ${mention(freeze.by)} set ${slackDate(freeze.at)} (“${escapeMrkdwn(freeze.reason)}”). Transfers may move again; pending confirmations can be pressed.`;
  return message(text, [section(text)]);
}
