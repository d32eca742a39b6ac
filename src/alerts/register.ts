import type { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.ts';
import { historyEntry } from './blocks.ts';
import { DeliveryWorker, lanesFor, type DeliveryOptions } from './delivery.ts';
import { registerWebhookRoutes, type WebhookSettings } from './receiver.ts';
import type { AlertRoute, OutboxRepository, OutboxStats } from './repository.ts';

/** What the relay is configured with. */
export interface AlertSettings {
  /** The channel id each route posts to. */
  channels: Record<AlertRoute, string>;
  webhooks: WebhookSettings;
  /** A client that never retries on its own, with a timeout of one post: the outbox owns retries. */
  client: WebClient;
  timings?: DeliveryOptions;
}

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
export async function registerAlerts(services: Services, store: OutboxRepository, settings: AlertSettings): Promise<AlertRelay> {
  const { logger, router, now, history } = services;
  // What DART reported about a customer belongs in `/dart history`, beside what the app did.
  history.add({
    name: 'webhooks',
    entriesFor: async (customers, { limit, before }) => (await store.eventsFor(customers, { limit, before })).map(historyEntry),
  });
  history.addRenames((names) => store.renamesTouching(names));
  const redriven = await store.redriveDead();
  if (redriven > 0) logger.warn({ alerts: { redriven } }, 'dead webhook alerts set back to pending for another try');

  const worker = new DeliveryWorker({
    store,
    client: settings.client,
    lanes: lanesFor(settings.channels),
    logger,
    now,
    options: settings.timings,
  });
  registerWebhookRoutes({ router, settings: settings.webhooks, store, logger, now, onStored: () => worker.notify() });
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
