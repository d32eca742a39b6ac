import type { IncomingMessage, ServerResponse } from 'node:http';
import { announcesMoreThan, readBody } from '../http/body.ts';
import { sendJson, type HttpRouter } from '../http/router.ts';
import type { Logger } from '../util/logger.ts';
import { matchesAnySecret, presentedSecret } from './auth.ts';
import { GroupCommit } from './group-commit.ts';
import type { AddedAlert, AlertRoute, OutboxRepository } from './repository.ts';
import { isTradeScriptEvent, parseWebhookBody, WEBHOOK_NAMES, type AlertEvent, type WebhookName } from './schemas.ts';

/** DART's bodies are a few hundred bytes; anything near this is not DART. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/** Headers that may carry a delivery id, most specific first; a repeat of a stored id is not posted again. */
const DELIVERY_ID_HEADERS = ['webhook-id', 'idempotency-key', 'x-request-id'] as const;

const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

/** Withdrawals, exits and unrecognised trade-script events are money leaving: they go to the withdrawal channel. */
function routeOf(event: AlertEvent): AlertRoute {
  return isTradeScriptEvent(event) ? 'withdrawals' : 'alerts';
}

/** How DART's webhook calls are received. */
export interface WebhookSettings {
  /** `WEBHOOK_PATH_PREFIX`: what comes before `/webhook/…`. */
  pathPrefix: string;
  /** The accepted secrets (the current one, and the previous while rotating), or `none` (`WEBHOOK_AUTH=none`). */
  secrets: readonly string[] | 'none';
}

export interface WebhookReceiverInit {
  router: HttpRouter;
  settings: WebhookSettings;
  store: OutboxRepository;
  logger: Logger;
  now: () => Date;
  /** Called once an event is stored (wakes the delivery worker). */
  onStored: () => void;
}

/**
 * Registers `POST <prefix>/webhook/<name>` for each path DART calls. Each request is
 * authenticated, then checked (JSON content type, size, JSON, DART's fields) and only then
 * stored; the 2xx is sent after the outbox has it. A rejected request stores nothing.
 */
export function registerWebhookRoutes(init: WebhookReceiverInit): void {
  const { router, settings, logger } = init;
  if (settings.secrets === 'none') logger.warn('WEBHOOK_AUTH=none: DART webhooks are accepted without a secret');
  const writer = new GroupCommit(init.store);
  for (const name of WEBHOOK_NAMES) {
    // One child logger per path, made once: one per request was a third of the intake's allocations (bench/BEFORE-AND-AFTER.md).
    const log = logger.child({ component: 'webhook', webhook: name });
    router.add('POST', `${settings.pathPrefix}/webhook/${name}`, (request, response) =>
      receive(init, writer, { name, log }, request, response),
    );
  }
}

async function receive(
  init: WebhookReceiverInit,
  writer: GroupCommit,
  { name, log }: { name: WebhookName; log: Logger },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { settings } = init;
  const refuse = (status: number, error: string, detail: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    log.warn({ status, error, ...detail }, 'webhook refused');
    sendJson(response, status, { error, ...detail }, headers);
  };

  if (settings.secrets !== 'none' && !matchesAnySecret(presentedSecret(request.headers.authorization), settings.secrets)) {
    return refuse(401, 'unauthorized', {}, { 'www-authenticate': 'Basic realm="dart-webhooks", charset="UTF-8"' });
  }
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    return refuse(415, 'unsupported_media_type', { message: 'send the body as application/json' });
  }
  // An optional id a proxy may have mangled is never a reason to lose the event: it is ignored, and said.
  const deliveryId = deliveryIdOf(request, (header) =>
    log.warn({ header }, `unusable delivery id in ${header} (not 1 to 200 printable characters) ignored; stored without de-duplication`),
  );

  const tooLarge = () => refuse(413, 'payload_too_large', { message: `at most ${MAX_WEBHOOK_BYTES} bytes` }, { connection: 'close' });
  if (announcesMoreThan(request, MAX_WEBHOOK_BYTES)) return tooLarge();
  const raw = await readBody(request, MAX_WEBHOOK_BYTES);
  if (raw === 'aborted') return;
  if (raw === 'too_large') return tooLarge();

  const body = parseJson(raw);
  if (body === undefined) return refuse(400, 'invalid_json', { message: 'the body is not valid UTF-8 JSON' });
  const parsed = parseWebhookBody(name, body);
  if (!parsed.ok) return refuse(422, 'invalid_body', { field: parsed.field, message: `${parsed.field} ${parsed.problem}` });

  const { event } = parsed;
  let stored: AddedAlert;
  try {
    stored = await writer.add({ event, route: routeOf(event), receivedAt: init.now(), ...(deliveryId ? { deliveryId } : {}) });
  } catch (error) {
    // Never a 2xx for an event that is not stored: DART retries a 5xx.
    log.error({ err: error }, 'webhook could not be stored');
    return refuse(503, 'not_stored', { message: 'the event could not be stored; retry later' }, { 'retry-after': '5' });
  }
  sendJson(response, 200, { status: stored.added ? 'accepted' : 'duplicate', id: stored.id });
  if (stored.conflictsWith !== undefined) {
    // Not a retry: another event already came with this id. Kept and shown, and said here.
    log.warn(
      { alert: { id: stored.id, kind: event.kind, deliveryId, conflictsWith: stored.conflictsWith } },
      'webhook delivery id reused by a different event; stored as a new event',
    );
  } else {
    log.info(
      { alert: { id: stored.id, kind: event.kind, duplicate: !stored.added } },
      stored.added ? 'webhook stored' : 'webhook repeated; already stored',
    );
  }
  if (stored.added) init.onStored();
}

/** The first usable delivery id, undefined when none; each unusable one is passed to `onUnusable` by its header. */
function deliveryIdOf(request: IncomingMessage, onUnusable: (header: string) => void): string | undefined {
  for (const header of DELIVERY_ID_HEADERS) {
    const value = request.headers[header];
    if (value === undefined) continue;
    const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
    if (DELIVERY_ID.test(text)) return text;
    onUnusable(header);
  }
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses JSON; `amount` given as a JSON number keeps its source text (`50.00`, not `50`). */
function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(decoder.decode(raw), (key, value: unknown, context?: { source?: string }) =>
      key === 'amount' && typeof value === 'number' && context?.source !== undefined ? context.source : value,
    ) as unknown;
  } catch {
    return undefined;
  }
}
