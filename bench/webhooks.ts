/**
 * DART's webhook calls as its partner API page shows them (the four paths, the bodies),
 * authenticated the way PRODUCT.md says (`Authorization: Bearer <WEBHOOK_SECRET>`).
 */
import type { LoadRequest } from './load.ts';
import { BENCH_SECRETS } from './setup.ts';

/** The four webhook kinds, named by their path. */
export const WEBHOOK_KINDS = ['customer-activate', 'customer-update', 'customer-deactivate', 'trade-script-withdrawal'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

const MESSAGES: Record<WebhookKind, string> = {
  'customer-activate': 'External customer activated.',
  'customer-update': 'External customer information updated',
  'customer-deactivate': 'External customer deactivated.',
  'trade-script-withdrawal': 'External customer withdraw from trade script.',
};

/**
 * The `n`-th distinct event of a kind: user names (and, for withdrawals, amounts) differ
 * from one event to the next, so a relay that drops exact repeats still stores every one.
 */
export function webhookBody(kind: WebhookKind, n: number, amount?: string): Record<string, string> {
  const userName = `bench${n}`;
  const body: Record<string, string> = {
    message: MESSAGES[kind],
    old_dart_user_name: userName,
    new_dart_user_name: kind === 'customer-update' ? `${userName}x` : userName,
  };
  if (kind === 'trade-script-withdrawal') {
    body.amount = amount ?? `${1 + (n % 1000)}.${String(n % 100).padStart(2, '0')}`;
    body.trade_script_name = 'Full Velocity Members Only';
  }
  return body;
}

/** The HTTP request DART would send for one event. */
export function webhookRequest(kind: WebhookKind, body: Record<string, string>): LoadRequest {
  return {
    method: 'POST',
    path: `/webhook/${kind}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_SECRETS.webhookSecret}` },
    body: JSON.stringify(body),
  };
}

/** An endless mix of the four kinds, each request a new event. */
export function webhookMix(): () => LoadRequest {
  let n = 0;
  return () => {
    n += 1;
    const kind = WEBHOOK_KINDS[n % WEBHOOK_KINDS.length]!;
    return webhookRequest(kind, webhookBody(kind, n));
  };
}

/** Sends one request with fetch (outside a load run); resolves to the status. */
export async function send(origin: string, request: LoadRequest): Promise<number> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  const response = await fetch(`${origin}${request.path}`, { method: request.method, headers, body: request.body ?? null });
  await response.arrayBuffer();
  return response.status;
}
