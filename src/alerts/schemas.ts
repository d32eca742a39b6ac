import { z } from 'zod';
import { withoutBidiControls } from '../util/text.ts';

/**
 * What DART reported, once its body has been checked. Withdrawal and exit arrive on the
 * same path and are told apart by DART's message; `trade_script` is a message on that
 * path that names neither (still stored and shown, never dropped).
 */
export type AlertKind = 'activated' | 'updated' | 'deactivated' | 'withdrawal' | 'exit' | 'trade_script';

/** A customer event: activated, details updated, deactivated. */
interface CustomerEvent {
  kind: 'activated' | 'updated' | 'deactivated';
  /** DART's own sentence, e.g. "External customer activated." */
  message: string;
  oldUserName: string;
  newUserName: string;
}

/** Money left a trade script: a withdrawal, an exit, or a trade-script message we do not recognise. */
export interface TradeScriptEvent {
  kind: 'withdrawal' | 'exit' | 'trade_script';
  message: string;
  oldUserName: string;
  newUserName: string;
  /** A decimal string exactly as DART wrote it (a JSON number keeps its source text). */
  amount: string;
  tradeScriptName: string;
}

/** One checked DART webhook. */
export type AlertEvent = CustomerEvent | TradeScriptEvent;

/** The last segment of each path DART calls (`/webhook/<name>`). */
export const WEBHOOK_NAMES = ['customer-activate', 'customer-update', 'customer-deactivate', 'trade-script-withdrawal'] as const;
export type WebhookName = (typeof WEBHOOK_NAMES)[number];

// Line breaks and other control characters in DART's text would break a one-line alert;
// they become spaces rather than a refusal, because a refused webhook is a lost alert.
// Bidirectional controls are dropped (they could make a line read backwards).
const oneLine = (max: number) =>
  z
    .string()
    .transform((text) =>
      withoutBidiControls(text)
        .replace(/[\p{Cc}\s]+/gu, ' ')
        .trim(),
    )
    .pipe(z.string().max(max, `at most ${max} characters`));
const name = oneLine(255).pipe(z.string().min(1, 'must not be empty'));

/** `"50.00"`, or a JSON number whose source text the receiver kept (`50.00` stays `50.00`). */
const amount = z
  .string({ error: 'expected a decimal amount such as "50.00"' })
  .regex(/^-?\d{1,30}(\.\d{1,18})?$/, 'expected a decimal amount such as "50.00"');

const customerBody = z.object({
  message: oneLine(1000),
  old_dart_user_name: name,
  new_dart_user_name: name,
});

const tradeScriptBody = customerBody.extend({ amount, trade_script_name: name });

/**
 * Tells a withdrawal from an exit by DART's message (both come to one path). An
 * unrecognised message is kept as a generic trade-script event rather than refused.
 */
export function tradeScriptKind(message: string): TradeScriptEvent['kind'] {
  const lower = message.toLowerCase();
  if (lower.includes('withdraw')) return 'withdrawal';
  if (lower.includes('exit')) return 'exit';
  return 'trade_script';
}

const CUSTOMER_KINDS = {
  'customer-activate': 'activated',
  'customer-update': 'updated',
  'customer-deactivate': 'deactivated',
} as const satisfies Record<Exclude<WebhookName, 'trade-script-withdrawal'>, CustomerEvent['kind']>;

/** The outcome of checking one body: the event, or the first bad field and why. */
export type ParsedWebhook = { ok: true; event: AlertEvent } | { ok: false; field: string; problem: string };

/** Checks a parsed JSON body against the shape DART's page gives for `webhook`. */
export function parseWebhookBody(webhook: WebhookName, body: unknown): ParsedWebhook {
  if (webhook === 'trade-script-withdrawal') {
    const checked = tradeScriptBody.safeParse(body, { reportInput: true });
    if (!checked.success) return firstIssue(checked.error);
    const { message, old_dart_user_name, new_dart_user_name, amount: value, trade_script_name } = checked.data;
    return {
      ok: true,
      event: {
        kind: tradeScriptKind(message),
        message,
        oldUserName: old_dart_user_name,
        newUserName: new_dart_user_name,
        amount: value,
        tradeScriptName: trade_script_name,
      },
    };
  }
  const checked = customerBody.safeParse(body, { reportInput: true });
  if (!checked.success) return firstIssue(checked.error);
  const { message, old_dart_user_name, new_dart_user_name } = checked.data;
  return {
    ok: true,
    event: { kind: CUSTOMER_KINDS[webhook], message, oldUserName: old_dart_user_name, newUserName: new_dart_user_name },
  };
}

function firstIssue(error: z.ZodError): ParsedWebhook {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  const problem = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is not accepted');
  return { ok: false, field, problem };
}

/** Whether an event moved money (withdrawal, exit, or an unrecognised trade-script message). */
export function isTradeScriptEvent(event: AlertEvent): event is TradeScriptEvent {
  return event.kind === 'withdrawal' || event.kind === 'exit' || event.kind === 'trade_script';
}
