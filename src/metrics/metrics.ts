import { ErrorCode, type FetchFunction } from '@slack/web-api';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DartCallRecord } from '../dart/client.ts';
import type { OutboxStats } from '../alerts/repository.ts';
import type { SlackRejectReason } from '../slack/rejections.ts';
import type { AuditEntry } from '../audit/repository.ts';
import { observedSlackFetch } from './slack-fetch.ts';

/** The outcomes `dart_slack_transfers_total` counts: the five final states of a transfer. */
export type TransferOutcomeLabel = 'succeeded' | 'failed' | 'unknown' | 'cancelled' | 'expired';

/**
 * The final state a transfer reached, read from its audit entry: every transfer's end is
 * audited exactly once (execute, cancel, expire), so counting there needs no hook in the
 * transfer service. Undefined for every other entry.
 */
export function transferOutcomeOf(entry: Pick<AuditEntry, 'action' | 'outcome'>): TransferOutcomeLabel | undefined {
  if (entry.action === 'transfer.cancel') return 'cancelled';
  if (entry.action === 'transfer.expire') return 'expired';
  if (entry.action === 'transfer.execute' && entry.outcome !== 'recorded') return entry.outcome;
  return undefined;
}

/** Shared state read from the store at each scrape, so every instance reports the same value. */
export interface SharedState {
  transfersPending(): Promise<number>;
  outbox(): Promise<OutboxStats>;
}

/**
 * The Slack error codes counted by name: those the app handles anywhere, the common Web API
 * ones, and what `observedSlackFetch` and the SDK name themselves. Anything else (a made-up
 * code, a proxy's page) is `other`, so the label's values are a fixed set, not a format.
 */
const SLACK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ratelimited',
  'rate_limited',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'team_access_not_granted',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'invalid_arguments',
  'too_many_attachments',
  'invalid_attachments',
  'markdown_text_conflict',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'expired_trigger_id',
  'invalid_trigger_id',
  'view_too_large',
  'internal_error',
  'fatal_error',
  'request_timeout',
  'service_unavailable',
  'timeout',
  'network',
  ...Object.values(ErrorCode),
]);
/** `http_<status>` from `observedSlackFetch`: at most one value per HTTP status. */
const SLACK_HTTP_ERROR = /^http_[1-5]\d\d$/;
/** Web API method names (`chat.postMessage`); anything else is `other`. */
const SLACK_METHOD = /^[a-z]+(\.[a-zA-Z]+){1,3}$/;

/**
 * Every metric the app exports, in one registry per running app (tests start several in one
 * process). Labels are fixed vocabularies only: endpoint names, webhook names, status codes,
 * Slack error codes, reasons. Never a customer, a user id or a secret.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly #transfers: Counter<'outcome'>;
  readonly #transfersPending: Gauge;
  readonly #outboxDepth: Gauge;
  readonly #outboxOldest: Gauge;
  readonly #outboxDead: Gauge;
  readonly #databaseUp: Gauge;
  readonly #webhooks: Counter<'kind' | 'status'>;
  readonly #dartRequests: Counter<'endpoint' | 'status'>;
  readonly #dartDuration: Histogram<'endpoint'>;
  readonly #slackErrors: Counter<'method' | 'error'>;
  readonly #slackRejected: Counter<'reason'>;
  #state: SharedState | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#transfers = new Counter({
      name: 'dart_slack_transfers_total',
      help: 'Transfers that reached a final state, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.#transfersPending = new Gauge({
      name: 'dart_slack_transfers_pending',
      help: 'Transfers awaiting a click or DART’s answer (shared store)',
      registers,
    });
    this.#outboxDepth = new Gauge({
      name: 'dart_slack_outbox_depth',
      help: 'Webhook events stored and not yet posted to Slack (shared store)',
      registers,
    });
    this.#outboxOldest = new Gauge({
      name: 'dart_slack_outbox_oldest_age_seconds',
      help: 'Age of the oldest undelivered webhook event (shared store)',
      registers,
    });
    this.#outboxDead = new Gauge({
      name: 'dart_slack_outbox_dead',
      help: 'Webhook events Slack refused for good, until the next start (shared store)',
      registers,
    });
    this.#databaseUp = new Gauge({
      name: 'dart_slack_database_up',
      help: '1 when the database answered this scrape, 0 when not (the shared-store gauges then keep their last values)',
      registers,
    });
    this.#webhooks = new Counter({
      name: 'dart_slack_webhooks_received_total',
      help: 'DART webhook calls answered, by webhook and HTTP status',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.#dartRequests = new Counter({
      name: 'dart_slack_dart_requests_total',
      help: 'Requests to DART, by endpoint and HTTP status (or timeout, network)',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.#dartDuration = new Histogram({
      name: 'dart_slack_dart_request_duration_seconds',
      help: 'Time DART took to answer, retries of a read included',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#slackErrors = new Counter({
      name: 'dart_slack_slack_api_errors_total',
      help: 'Slack Web API calls that failed, by method and Slack error code',
      labelNames: ['method', 'error'],
      registers,
    });
    this.#slackRejected = new Counter({
      name: 'dart_slack_slack_requests_rejected_total',
      help: 'Requests to /slack/events refused, by reason',
      labelNames: ['reason'],
      registers,
    });
  }

  /** Where the shared-state gauges are read from at each scrape. */
  readShared(state: SharedState): void {
    this.#state = state;
  }

  transferFinished(outcome: TransferOutcomeLabel): void {
    this.#transfers.inc({ outcome });
  }

  webhookAnswered(kind: string, status: number): void {
    this.#webhooks.inc({ kind, status: String(status) });
  }

  /** Hangs on `DartClient`'s `onCall`: `endpoint` is one of the client's fixed endpoint names. */
  dartCall(call: DartCallRecord): void {
    this.#dartRequests.inc({ endpoint: call.endpoint, status: String(call.status) });
    this.#dartDuration.observe({ endpoint: call.endpoint }, call.ms / 1000);
  }

  slackApiError(method: string, error: string): void {
    this.#slackErrors.inc({
      method: SLACK_METHOD.test(method) ? method : 'other',
      error: SLACK_ERROR_CODES.has(error) || SLACK_HTTP_ERROR.test(error) ? error : 'other',
    });
  }

  /** For `WebClientOptions.fetch`: every client built with it counts its failed calls here. */
  readonly slackFetch: FetchFunction = observedSlackFetch((method, error) => this.slackApiError(method, error));

  /** A refused Slack request, by its fixed reason code (`src/slack/rejections.ts`). */
  slackRequestRejected(reason: SlackRejectReason): void {
    this.#slackRejected.inc({ reason });
  }

  /**
   * The exposition text; the shared-state gauges are read from the store once, now. A
   * database that does not answer still leaves a scrape (the process metrics, and
   * `dart_slack_database_up 0`): that is when they are wanted most.
   */
  async render(): Promise<string> {
    if (this.#state) {
      try {
        const [outbox, pending] = await Promise.all([this.#state.outbox(), this.#state.transfersPending()]);
        this.#transfersPending.set(pending);
        this.#outboxDepth.set(outbox.depth);
        this.#outboxOldest.set(outbox.oldestAgeSeconds);
        this.#outboxDead.set(outbox.dead);
        this.#databaseUp.set(1);
      } catch {
        this.#databaseUp.set(0);
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
