import { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.ts';
import { slackLogger } from '../slack/bolt-logger.ts';
import { DeliveryWorker, deliveryTimings, lanesFor, type DeliveryOptions } from './delivery.ts';
import type { OutboxRepository, OutboxStats } from './repository.ts';
import { historyEntry } from './messages.ts';
import { registerWebhookRoutes } from './receiver.ts';

/** The webhook relay of a running app: DART's webhooks in, channel alerts out. */
export interface AlertRelay {
  /** Outbox depth, age of the oldest undelivered event, dead count (for `/healthz`). */
  health(): Promise<OutboxStats>;
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
export async function createAlertRelay(services: Services, store: OutboxRepository, options: DeliveryOptions = {}): Promise<AlertRelay> {
  const { config, logger, router, now, history } = services;
  // What DART reported about a customer belongs in `/dart history`, beside what the app did.
  history.add({
    name: 'webhooks',
    entriesFor: async (customers, { limit, before }) => (await store.eventsFor(customers, { limit, before })).map(historyEntry),
  });
  history.addRenames((names) => store.renamesTouching(names));
  const redriven = await store.redriveDead();
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
  // Events another instance stored wake this one's worker too, where the engine can tell.
  let unsubscribe = () => {};
  return {
    health: () => store.stats(now()),
    startDelivery: () => {
      unsubscribe = store.subscribe(() => worker.notify());
      worker.start();
    },
    stop: () => {
      unsubscribe();
      return worker.stop();
    },
  };
}
