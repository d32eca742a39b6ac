import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../util/logger.ts';
import { alertMessage, digestMessage, MAX_EVENTS_PER_DIGEST } from './blocks.ts';
import type { AlertRoute, OutboxRepository, StoredAlert } from './repository.ts';
import { classifyPostFailure, type PostFailure } from './slack-failures.ts';

/** Timings of the delivery worker; the defaults suit production, tests shorten the backoff. */
export interface DeliveryOptions {
  /** First wait after a failed post; doubles per failure (with jitter). Default 1 s. */
  minBackoffMs?: number;
  /** Longest wait between attempts while Slack fails. Default 30 s. */
  maxBackoffMs?: number;
  /** How long a claim holds if its worker dies mid-post; must outlast one post. Default 20 s. */
  leaseMs?: number;
  /** How often an idle channel looks for events stored by other instances. Default 2 s. */
  pollMs?: number;
  /** Least time between two posts to one channel (Slack allows about one a second). Default 1 s. */
  channelIntervalMs?: number;
  /** Timeout of one post. Default 5 s. */
  postTimeoutMs?: number;
}

/** The options with their defaults filled in. */
export function deliveryTimings(options: DeliveryOptions = {}): Required<DeliveryOptions> {
  const postTimeoutMs = options.postTimeoutMs ?? 5000;
  return {
    minBackoffMs: options.minBackoffMs ?? 1000,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    // A lease shorter than a post would let a second worker post the same event.
    leaseMs: Math.max(options.leaseMs ?? 20_000, 2 * postTimeoutMs),
    pollMs: options.pollMs ?? 2000,
    channelIntervalMs: options.channelIntervalMs ?? 1000,
    postTimeoutMs,
  };
}

/** One channel's queue: the routes that resolve to it are delivered in one order. */
export interface Lane {
  channel: string;
  routes: AlertRoute[];
}

/** Groups routes by the channel they resolve to, so two routes sharing a channel share one order. */
export function lanesFor(channels: Record<AlertRoute, string>): Lane[] {
  const lanes = new Map<string, Lane>();
  for (const [route, channel] of Object.entries(channels) as Array<[AlertRoute, string]>) {
    const lane = lanes.get(channel) ?? { channel, routes: [] };
    lane.routes.push(route);
    lanes.set(channel, lane);
  }
  return [...lanes.values()];
}

/** Waits between `min·2ⁿ/2` and `min·2ⁿ` (capped at `max`): jitter keeps instances from retrying in step. */
function backoffMs(failures: number, min: number, max: number): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

type PostOutcome = { kind: 'posted'; ts: string } | PostFailure;

export interface DeliveryWorkerInit {
  store: OutboxRepository;
  /** A client that never retries on its own (`retries: 0`, `rejectRateLimitedCalls`): the outbox owns retries. */
  client: WebClient;
  lanes: Lane[];
  logger: Logger;
  now: () => Date;
  options?: DeliveryOptions;
}

/**
 * Delivers the outbox to Slack in the background, one loop per channel: it claims the
 * head of the channel's queue under a lease, posts one alert (or, when more than one is
 * waiting, one digest), and records the outcome. Failures that waiting can fix are
 * retried with backoff for as long as it takes, honouring Slack's Retry-After; refusals
 * move the events aside as dead. Posts to one channel are spaced by `channelIntervalMs`.
 */
export class DeliveryWorker {
  readonly #init: DeliveryWorkerInit;
  readonly #timings: Required<DeliveryOptions>;
  readonly #owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #stopping = new AbortController();
  readonly #sleepers = new Set<() => void>();
  #loops: Promise<void>[] = [];

  constructor(init: DeliveryWorkerInit) {
    this.#init = init;
    this.#timings = deliveryTimings(init.options);
  }

  /** Starts one loop per channel. */
  start(): void {
    if (this.#loops.length > 0 || this.#stopping.signal.aborted) return;
    this.#loops = this.#init.lanes.map((lane) => this.#run(lane));
  }

  /** Wakes idle loops at once: an event was just stored. */
  notify(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  /**
   * Stops the loops. A post in flight is awaited up to its timeout, so its outcome is
   * recorded; then every lease this worker still holds is given back, so another instance
   * (or the next start) takes the queue at once instead of after the lease. An abandoned
   * post released this way is the one tolerated duplicate (Slack may have applied it).
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const abandon = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#timings.postTimeoutMs + 1000)));
    await Promise.race([Promise.all(this.#loops), abandon]);
    clearTimeout(timer);
    try {
      await this.#init.store.releaseAll(this.#owner);
    } catch (error) {
      this.#init.logger.warn({ err: error }, 'could not release outbox leases at shutdown; they lapse on their own');
    }
  }

  async #run(lane: Lane): Promise<void> {
    const { store, logger } = this.#init;
    const log = logger.child({ component: 'alert-delivery', channel: lane.channel });
    let failures = 0;
    let nextPostAt = 0;
    // After Slack refused a digest's content, the events go one by one so only the culprit is set aside.
    let singles = 0;
    while (!this.#stopping.signal.aborted) {
      try {
        await this.#pause(nextPostAt - performance.now(), false);
        if (this.#stopping.signal.aborted) break;
        const claimed = await store.claim({
          routes: lane.routes,
          owner: this.#owner,
          leaseMs: this.#timings.leaseMs,
          limit: singles > 0 ? 1 : MAX_EVENTS_PER_DIGEST,
        });
        if (claimed.length === 0) {
          await this.#pause(this.#timings.pollMs, true);
          continue;
        }
        const outcome = await this.#post(lane.channel, claimed);
        const ids = claimed.map((alert) => alert.id);
        const detail = { ids, digest: claimed.length > 1 };
        if (outcome.kind === 'posted') {
          await store.markDelivered(ids, outcome.ts, this.#init.now());
          // Only a message Slack accepted counts against its per-channel rate.
          nextPostAt = performance.now() + this.#timings.channelIntervalMs;
          failures = 0;
          singles = Math.max(0, singles - 1);
          log.info({ alert: { ...detail, ts: outcome.ts } }, 'alert delivered');
        } else if (outcome.kind === 'retry') {
          await store.release(ids, this.#owner, outcome.reason);
          failures += 1;
          // Slack's Retry-After wins; a little jitter keeps instances from returning in step.
          const waitMs = outcome.retryAfterMs
            ? outcome.retryAfterMs + Math.random() * 250
            : backoffMs(failures, this.#timings.minBackoffMs, this.#timings.maxBackoffMs);
          log.warn(
            { alert: { ...detail, reason: outcome.reason, attempt: failures, retryInMs: Math.round(waitMs) } },
            'alert not delivered yet; will retry',
          );
          await this.#pause(waitMs, false);
        } else if (outcome.content && claimed.length > 1) {
          await store.release(ids, this.#owner, outcome.reason);
          singles = claimed.length;
          log.warn({ alert: { ...detail, reason: outcome.reason } }, 'Slack refused a digest; posting its events one by one');
        } else {
          await store.markDead(ids, outcome.reason);
          singles = Math.max(0, singles - 1);
          log.error({ alert: { ...detail, reason: outcome.reason } }, 'Slack refused the alert; moved aside as dead until the next start');
        }
      } catch (error) {
        // The store failed (busy, closed at shutdown): nothing was lost, the lease will expire.
        if (this.#stopping.signal.aborted) break;
        failures += 1;
        log.error({ err: error }, 'alert delivery failed; will retry');
        await this.#pause(backoffMs(failures, this.#timings.minBackoffMs, this.#timings.maxBackoffMs), false);
      }
    }
  }

  async #post(channel: string, claimed: StoredAlert[]): Promise<PostOutcome> {
    const [first] = claimed;
    const content = claimed.length === 1 && first ? alertMessage(first) : digestMessage(claimed);
    try {
      const answer = await this.#init.client.chat.postMessage({ channel, ...content, unfurl_links: false, unfurl_media: false });
      return { kind: 'posted', ts: String(answer.ts ?? '') };
    } catch (error) {
      return classifyPostFailure(error);
    }
  }

  /** Sleeps `ms`; cut short by stop(), and by notify() when `wakeable`. */
  #pause(ms: number, wakeable: boolean): Promise<void> {
    if (ms <= 0 || this.#stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#stopping.signal.removeEventListener('abort', done);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#stopping.signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.#sleepers.add(done);
    });
  }
}
