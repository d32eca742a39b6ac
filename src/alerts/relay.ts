import { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.ts';
import { slackLogger } from '../slack/bolt-logger.ts';
import { DeliveryWorker, deliveryTimings, lanesFor, type DeliveryOptions } from './delivery.ts';
import { SqliteOutboxStore, type OutboxStats, type OutboxStore } from './outbox.ts';
import { historyEntry } from './messages.ts';
import { registerWebhookRoutes } from './receiver.ts';

/** The webhook relay of a running app: DART's webhooks in, channel alerts out. */
export interface AlertRelay {
  readonly store: OutboxStore;
  /** Outbox depth, age of the oldest undelivered event, dead count (for `/healthz`). */
  health(): OutboxStats;
  /** Starts delivering to Slack (once the bot token is verified). */
  startDelivery(): void;
  stop(): Promise<void>;
}

/**
 * Sets the relay up at once, before Slack is verified, so that webhooks are stored even
 * while Slack is unreachable at start-up: the routes on the app's router, the outbox (its
 * dead events set back to pending, since a restart is when a fixed channel or token takes
 * effect) and a delivery worker that waits for `startDelivery`.
 */
export function createAlertRelay(services: Services, options: DeliveryOptions = {}): AlertRelay {
  const { config, logger, database, router, now, history } = services;
  const store = new SqliteOutboxStore(database);
  // What DART reported about a customer belongs in `/dart history`, beside what the app did.
  history.add({
    name: 'webhooks',
    entriesFor: (customers, { limit, before }) => store.eventsFor(customers, { limit, before }).map(historyEntry),
  });
  history.addRenames((names) => store.renamesTouching(names));
  const redriven = store.redriveDead();
  if (redriven > 0) logger.warn({ alerts: { redriven } }, 'dead webhook alerts set back to pending for another try');

  const timings = deliveryTimings(options);
  // Its own client: the outbox owns retries, so the SDK must neither retry nor queue behind a 429.
  const client = new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    timeout: timings.postTimeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(logger),
    fetch: services.metrics.slackFetch,
  });
  const worker = new DeliveryWorker({
    store,
    client,
    lanes: lanesFor({ alerts: config.DART_ALERT_CHANNEL, withdrawals: config.DART_WITHDRAWAL_CHANNEL ?? config.DART_ALERT_CHANNEL }),
    logger,
    now,
    options: timings,
  });
  registerWebhookRoutes({ router, config, store, logger, now, onStored: () => worker.notify() });
  return {
    store,
    health: () => store.stats(now()),
    startDelivery: () => worker.start(),
    stop: () => worker.stop(),
  };
}
