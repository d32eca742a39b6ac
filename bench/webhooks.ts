/**
 * DART's webhook calls as its partner API page shows them (the four paths, the bodies),
 * authenticated the way the README's Configuration says (`Authorization: Bearer <WEBHOOK_SECRET>`).
 */
import { WEBHOOK_KINDS, webhookFor, type DartEvent, type WebhookKind, type WebhookPayload } from '../src/sandbox/dart/webhooks.ts';
import type { LoadRequest } from './load.ts';
import { BENCH_SECRETS } from './setup.ts';

/**
 * The `n`-th distinct event of a kind, with the bodies DART's page shows (built by the
 * sandbox's `webhookFor`): user names (and, for withdrawals, amounts) differ from one
 * event to the next, so a relay that drops exact repeats still stores every one.
 */
export function webhookBody(kind: WebhookKind, n: number, amount?: string): WebhookPayload {
  const user = `bench${n}`;
  const events: Record<WebhookKind, DartEvent> = {
    'customer-activate': { kind: 'activate', user },
    'customer-update': { kind: 'update', user, newUser: `${user}x` },
    'customer-deactivate': { kind: 'deactivate', user },
    'trade-script-withdrawal': { kind: 'withdrawal', user, amount: amount ?? `${1 + (n % 1000)}.${String(n % 100).padStart(2, '0')}` },
  };
  return webhookFor(events[kind]).payload;
}

/** The HTTP request DART would send for one event. */
export function webhookRequest(kind: WebhookKind, body: WebhookPayload): LoadRequest {
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
