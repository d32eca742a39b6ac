/**
 * DART's side of the webhooks: the events DART reports, the bodies it posts for them
 * (exactly as DART's partner API page shows them), what each event changes in the sandbox, and
 * `fireWebhook`, which POSTs one to an app the way DART does. Used by the demo console,
 * tests and benchmarks.
 */
import type { DartSandboxState } from './state.ts';

/** The path DART calls after `/webhook/` for each kind of event. */
export type WebhookKind = 'customer-activate' | 'customer-update' | 'customer-deactivate' | 'trade-script-withdrawal';

/** Every webhook path DART calls, in the page's order. */
export const WEBHOOK_KINDS: readonly WebhookKind[] = [
  'customer-activate',
  'customer-update',
  'customer-deactivate',
  'trade-script-withdrawal',
];

/** A webhook body as DART sends it; `amount` and `trade_script_name` only for withdrawals and exits. */
export interface WebhookPayload {
  message: string;
  old_dart_user_name: string;
  new_dart_user_name: string;
  amount?: string;
  trade_script_name?: string;
}

/** Something that happens in DART and that DART reports by webhook. Amounts are decimal strings. */
export type DartEvent =
  | { kind: 'activate'; user: string }
  | { kind: 'update'; user: string; newUser: string }
  | { kind: 'deactivate'; user: string }
  | { kind: 'withdrawal'; user: string; amount: string; script?: string }
  | { kind: 'exit'; user: string; amount: string; script?: string };

/** The trade script named on DART's partner API page, used when an event names none and the customer has none. */
const DEFAULT_TRADE_SCRIPT = 'Full Velocity Members Only';

/**
 * The path and body DART posts for an event, with the page's messages word for word.
 * Amounts are sent with two decimals (`50` → `"50.00"`), as on the page; a withdrawal or
 * exit that names no trade script names the customer's first one (from `state` when
 * given). Throws a RangeError for an amount that is not a positive decimal.
 */
export function webhookFor(event: DartEvent, state?: DartSandboxState): { kind: WebhookKind; payload: WebhookPayload } {
  switch (event.kind) {
    case 'activate':
      return { kind: 'customer-activate', payload: names('External customer activated.', event.user, event.user) };
    case 'update':
      return { kind: 'customer-update', payload: names('External customer information updated', event.user, event.newUser) };
    case 'deactivate':
      return { kind: 'customer-deactivate', payload: names('External customer deactivated.', event.user, event.user) };
    case 'withdrawal':
    case 'exit': {
      const script = event.script ?? state?.customers.get(event.user)?.trade_scripts[0]?.trade_script_name ?? DEFAULT_TRADE_SCRIPT;
      const message =
        event.kind === 'withdrawal' ? 'External customer withdraw from trade script.' : 'External customer exit from trade script.';
      return {
        kind: 'trade-script-withdrawal',
        payload: { ...names(message, event.user, event.user), amount: webhookAmount(event.amount), trade_script_name: script },
      };
    }
  }
}

/**
 * The amount as DART writes it (`50.00`) from what a demo user or a test typed: digits, at
 * most two decimals, above zero. The sandbox's own rule, not the app's money parser: a
 * stand-in that shared the app's code could not catch the app's mistakes.
 */
function webhookAmount(typed: string): string {
  const refuse = (reason: string) => new RangeError(`amount ${JSON.stringify(typed)}: ${reason}`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(typed);
  if (!match) throw refuse('plain digits, like 50 or 50.25');
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 2) throw refuse('at most 2 decimal places');
  if (/^0*$/.test(whole + fraction)) throw refuse('more than zero');
  return `${BigInt(whole)}.${fraction.padEnd(2, '0')}`;
}

function names(message: string, oldName: string, newName: string): WebhookPayload {
  return { message, old_dart_user_name: oldName, new_dart_user_name: newName };
}

/**
 * What the event changes in the sandbox before DART reports it: activation flags, and a
 * rename (when the new name is free) so later lookups find the customer under it.
 * Withdrawals and exits change no balance: DART does not document what they move.
 * Events about unknown customers change nothing (DART may still report them).
 */
export function applyDartEvent(state: DartSandboxState, event: DartEvent): void {
  const customer = state.customers.get(event.user);
  if (customer === undefined) return;
  if (event.kind === 'activate') customer.active = true;
  if (event.kind === 'deactivate') customer.active = false;
  if (event.kind === 'update' && event.newUser !== event.user && !state.customers.has(event.newUser)) {
    state.customers.delete(event.user);
    customer.dart_user_name = event.newUser;
    state.customers.set(event.newUser, customer);
  }
}

/** What the app answered to one webhook. */
export interface WebhookDelivery {
  /** The full URL posted to. */
  url: string;
  status: number;
  body: string;
}

/**
 * POSTs one webhook the way DART does: JSON to `<targetBaseUrl>/webhook/<kind>`, carrying
 * the shared secret as `Authorization: Bearer <secret>` (or, with `auth: 'basic'`, as the
 * password of HTTP Basic auth; no header when `secret` is undefined). `targetBaseUrl` is
 * the app's origin plus any `WEBHOOK_PATH_PREFIX`, e.g. `http://127.0.0.1:3000/dart`.
 * Resolves with the app's answer whatever its status; rejects only when the app cannot
 * be reached.
 */
export async function fireWebhook(
  targetBaseUrl: string,
  secret: string | undefined,
  kind: WebhookKind,
  payload: WebhookPayload,
  options: { auth?: 'bearer' | 'basic' } = {},
): Promise<WebhookDelivery> {
  const url = `${targetBaseUrl.replace(/\/+$/, '')}/webhook/${kind}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (secret !== undefined) {
    headers.authorization = options.auth === 'basic' ? `Basic ${Buffer.from(`dart:${secret}`).toString('base64')}` : `Bearer ${secret}`;
  }
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(payload) });
  return { url, status: response.status, body: await response.text() };
}
