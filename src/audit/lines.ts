import { code, escapeMrkdwn, mention, slackDate } from '../slack/mrkdwn.ts';
import { describeHours } from '../trade-scripts/duration.ts';
import { formatMoney } from '../util/money.ts';
import type { AuditAction, AuditEntry } from './repository.ts';

const OUTCOME_ICON: Record<AuditEntry['outcome'], string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  unknown: ':grey_question:',
  recorded: ':memo:',
};

/** `the transfer of 50.00 USDC to `billyjoel``, with the amount the entry recorded. */
function transferOf(entry: AuditEntry): string {
  const amount = typeof entry.sent.amount === 'string' ? formatMoney(entry.sent.amount) : 'an unrecorded amount';
  return `the transfer of ${escapeMrkdwn(amount)} to ${code(entry.customer)}`;
}

/**
 * Who decided a transfer. Only the requester may confirm, and only someone else may
 * approve, so a decider other than the requester approved.
 */
function decision(entry: AuditEntry): string {
  if (!entry.confirmedBy) return '';
  return entry.confirmedBy === entry.requestedBy
    ? `, confirmed by ${mention(entry.confirmedBy)}`
    : `, approved by ${mention(entry.confirmedBy)}`;
}

/** What happened, in plain words: who did what to whom, with the amount or duration. */
const SENTENCE: Record<AuditAction, (entry: AuditEntry) => string> = {
  'customer.create': (e) => `${mention(e.requestedBy)} created customer ${code(e.customer)}`,
  'customer.update': (e) => {
    const fields = Object.keys(e.sent).filter((key) => key !== 'dart_user_name');
    return `${mention(e.requestedBy)} edited customer ${code(e.customer)}${fields.length > 0 ? ` (${escapeMrkdwn(fields.join(', '))})` : ''}`;
  },
  'tsp.suspend': (e) => {
    const hours = Number(e.sent.tsp_duration);
    const length = Number.isInteger(hours) && hours > 0 ? ` for ${describeHours(hours)}` : '';
    return `${mention(e.requestedBy)} suspended the trade scripts of ${code(e.customer)}${length}`;
  },
  'tsp.resume': (e) => `${mention(e.requestedBy)} told DART to allow the trade scripts of ${code(e.customer)}`,
  'transfer.request': (e) => `${mention(e.requestedBy)} requested ${transferOf(e)}`,
  'transfer.confirm': (e) => `${mention(e.confirmedBy ?? e.requestedBy)} confirmed ${transferOf(e)}`,
  'transfer.approve': (e) => `${mention(e.confirmedBy ?? e.requestedBy)} approved ${transferOf(e)}, requested by ${mention(e.requestedBy)}`,
  // For a cancel, `requestedBy` is who cancelled.
  'transfer.cancel': (e) => `${mention(e.requestedBy)} cancelled ${transferOf(e)}; nothing was sent`,
  // Nobody expires a transfer: time does.
  'transfer.expire': (e) => `${capitalized(transferOf(e))}, requested by ${mention(e.requestedBy)}, expired unconfirmed; nothing was sent`,
  'transfer.void': (e) =>
    `${capitalized(transferOf(e))}, requested by ${mention(e.requestedBy)}, was made void: its confirmation message was never recorded; nothing was sent`,
  // For a refuse, `confirmedBy` is who pressed.
  'transfer.refuse': (e) =>
    `${capitalized(transferOf(e))}, requested by ${mention(e.requestedBy)}, was refused when ${mention(e.confirmedBy ?? e.requestedBy)} pressed: a limit checked at execution no longer held; nothing was sent`,
  'transfer.execute': (e) => `${capitalized(transferOf(e))}, requested by ${mention(e.requestedBy)}${decision(e)}, was sent to DART`,
  // For a resolution, `confirmedBy` is who checked DART; nothing was sent by it.
  'transfer.resolve': (e) =>
    `${mention(e.confirmedBy ?? e.requestedBy)} marked ${transferOf(e)}, whose outcome was unknown, ${e.sent.resolution === 'sent' ? 'as sent' : 'as not sent'} after checking DART: “${escapeMrkdwn(String(e.sent.note ?? ''))}”`,
  // A freeze concerns no customer: `requestedBy` froze or lifted it.
  'transfer.freeze': (e) => `${mention(e.requestedBy)} froze all transfers: “${escapeMrkdwn(String(e.sent.reason ?? ''))}”`,
  'transfer.unfreeze': (e) => `${mention(e.requestedBy)} lifted the freeze on transfers (“${escapeMrkdwn(String(e.sent.reason ?? ''))}”)`,
};

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** DART's answer as said to people: its own words quoted, or our account of its failure (which names DART). */
function dartSaid(answer: string): string {
  return /^DART\b/.test(answer) ? escapeMrkdwn(answer) : `DART answered “${escapeMrkdwn(answer)}”`;
}

function outcomeText(entry: AuditEntry): string {
  const answer = entry.dartAnswer ? ` · ${dartSaid(entry.dartAnswer)}` : '';
  switch (entry.outcome) {
    case 'recorded':
      return '';
    case 'succeeded':
      return ` · succeeded${answer}`;
    case 'failed':
      return ` · failed${answer}`;
    case 'unknown':
      return ` · outcome unknown, check in DART${answer}`;
  }
}

/** One audit entry as a line people can read: who did what to whom, when, and what DART answered. */
export function auditLine(entry: AuditEntry): string {
  return `${OUTCOME_ICON[entry.outcome]} ${SENTENCE[entry.action](entry)} · ${slackDate(entry.at)}${outcomeText(entry)}`;
}
