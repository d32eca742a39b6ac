import { escapeMrkdwn, mention, slackDate } from '../slack/mrkdwn.ts';
import type { Freeze, Resolution, Transfer } from './repository.ts';

/**
 * The rules of the transfer state machine that depend on who clicks, as pure functions:
 * the store enforces them again in its compare-and-set, these say why in words.
 *
 * requested ─confirm (requester, below threshold)──┐
 *           ─approve (another treasurer, at/above)─┴► executing ─► succeeded | failed | unknown
 * requested ─first approve (at/above the second-approval threshold)─► requested, 1 of 2 approved
 * unknown ─mark as sent / not sent (any treasurer, with a note)─► unknown, resolved (nothing sent)
 * requested ─cancel (any treasurer)─► cancelled
 * requested ─time passes─► expired
 * requested ─Slack did not confirm the post, or a click on a message never recorded─► void
 * requested ─confirm/approve that a rule checked at execution refuses─► refused
 *
 * Only a click on the message recorded for the transfer (channel and ts) can execute it.
 */
export type TransferAction = 'confirm' | 'approve' | 'cancel';

/** True once `transfer` can no longer be confirmed, approved or cancelled, whatever its stored state says. */
export function isPastExpiry(transfer: Transfer, now: Date): boolean {
  return transfer.state === 'requested' && transfer.expiresAt.getTime() <= now.getTime();
}

/**
 * Why nobody can act on `transfer` any more (mrkdwn, for the clicker), or undefined while
 * it still waits for a click.
 */
export function whyClosed(transfer: Transfer, now: Date): string | undefined {
  const by = transfer.decidedBy ? ` by ${mention(transfer.decidedBy)}` : '';
  switch (transfer.state) {
    case 'requested':
      return isPastExpiry(transfer, now) ? expiredText(transfer) : undefined;
    case 'executing':
      return `This transfer was already ${transfer.needsApproval ? 'approved' : 'confirmed'}${by} and is being sent to DART. Nothing more to do.`;
    case 'succeeded':
      return 'This transfer has already gone through. Nothing more to do.';
    case 'failed':
      return 'This transfer failed: DART refused it (see the message). Request a new one if it is still needed.';
    case 'unknown':
      return transfer.resolution
        ? `${alreadyResolved(transfer.resolution)} This app will never send it again.`
        : 'The outcome of this transfer is unknown. Check in DART whether the money moved, then press *Mark as sent* or *Mark as not sent*; this app will never send it again.';
    case 'cancelled':
      return `This transfer was cancelled${by}. Nothing was sent.`;
    case 'expired':
      return expiredText(transfer);
    case 'void':
      return `${VOID_TEXT} Nothing was sent; request the transfer again if it is still needed.`;
    case 'refused':
      return `This transfer was refused when it was to be sent: ${transfer.detail ?? 'a transfer rule changed'}. Nothing was sent; request it again if it is still needed.`;
  }
}

/** Why a void confirmation cannot be used (mrkdwn). */
export const VOID_TEXT = 'This confirmation cannot be used: the app never recorded it as posted.';

function expiredText(transfer: Transfer): string {
  return `This transfer expired ${slackDate(transfer.expiresAt)} without being confirmed. Nothing was sent; request it again if it is still needed.`;
}

/**
 * Why `actor` may not do `action` on an open transfer (mrkdwn), or undefined when they may.
 * Treasurer-only is checked before this, by the role gate.
 */
export function refusal(transfer: Transfer, action: TransferAction, actor: string): string | undefined {
  const requester = mention(transfer.requestedBy);
  if (action === 'confirm' && transfer.needsApproval) {
    return `This transfer is at or above the approval threshold: a treasurer other than ${requester} must approve it.`;
  }
  if (action === 'confirm' && actor !== transfer.requestedBy) {
    return `Only ${requester}, who requested this transfer, can confirm it.`;
  }
  if (action === 'approve' && !transfer.needsApproval) {
    return `This transfer needs no approval: ${requester}, who requested it, confirms it.`;
  }
  if (action === 'approve' && actor === transfer.requestedBy) {
    return 'You requested this transfer, so you cannot approve it: another treasurer must.';
  }
  if (action === 'approve' && actor === transfer.approvedBy) {
    return `You already approved this transfer. It needs a second approval from a treasurer other than ${requester} and you.`;
  }
  return undefined;
}

/** Why a click that would move money is refused while transfers are frozen (mrkdwn). */
export function frozenRefusal(freeze: Freeze, nothing: string): string {
  return `:snowflake: Transfers are frozen since ${slackDate(freeze.at)} by ${mention(freeze.by)}: “${escapeMrkdwn(freeze.reason)}”. ${nothing} A treasurer other than ${mention(freeze.by)} can lift the freeze with \`/dart unfreeze\`.`;
}

/** Who already resolved a transfer, how and when (mrkdwn), for whoever tries too. */
function alreadyResolved(resolution: Resolution): string {
  const how = resolution.outcome === 'sent' ? 'as sent' : 'as not sent';
  return `${mention(resolution.by)} already marked this transfer ${how} ${slackDate(resolution.at)}: “${escapeMrkdwn(resolution.note)}”.`;
}

/** Why `transfer` cannot be marked as sent or not sent (mrkdwn), or undefined when it can. */
export function whyNotResolvable(transfer: Transfer): string | undefined {
  if (transfer.resolution) return `${alreadyResolved(transfer.resolution)} Nothing was changed.`;
  if (transfer.state !== 'unknown')
    return 'Only a transfer whose outcome is unknown can be marked as sent or not sent. Nothing was changed.';
  return undefined;
}
