import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { deliveryTimings, type DeliveryOptions } from '../alerts/delivery.ts';
import { registerAlerts } from '../alerts/register.ts';
import { auditHistorySource } from '../audit/history.ts';
import { AuditLog } from '../audit/log.ts';
import type { Config } from '../config/load.ts';
import { DartClient } from '../dart/client.ts';
import { probeDart } from '../dart/probe.ts';
import { registerCustomers } from '../customers/register.ts';
import { customerStateReader } from '../customers/state.ts';
import { registerHelp } from '../help/register.ts';
import { registerHistory } from '../history/register.ts';
import { HistorySources } from '../history/source.ts';
import { HttpRouter } from '../http/router.ts';
import { instrument } from '../metrics/instrument.ts';
import { AppMetrics } from '../metrics/metrics.ts';
import { AccessControl } from '../slack/access.ts';
import { slackLogger } from '../slack/bolt-logger.ts';
import { verifyBotToken } from '../slack/identity.ts';
import { refuseWhileDraining, trackListenerWork } from '../slack/drain.ts';
import { slackRejections } from '../slack/rejections.ts';
import { SlackRoutes } from '../slack/routes.ts';
import { signedSlackRequests } from '../slack/signed-requests.ts';
import { SocketReceiver } from '../slack/socket-receiver.ts';
import { botClient, webClientOptions } from '../slack/web-client.ts';
import { openStorage, type Storage } from '../storage/storage.ts';
import { registerTransfers } from '../transfers/register.ts';
import { registerTreasuryControls } from '../transfers/controls.ts';
import { frozenNotice } from '../transfers/blocks.ts';
import { TransferService } from '../transfers/service.ts';
import { registerTradeScripts } from '../trade-scripts/register.ts';
import { createLogger, type Logger } from '../util/logger.ts';
import { InFlight } from '../util/in-flight.ts';
import { within } from '../util/within.ts';
import { registerProbes, type ReadyState } from './probes.ts';
import type { Services } from './services.ts';

export interface StartOptions {
  logger?: Logger;
  now?: () => Date;
  /** Host to listen on; all interfaces by default. */
  host?: string;
  /** How often transfers are swept for expiry and abandoned calls; tests shorten it. */
  transferSweepMs?: number;
  /** How long past DART's timeout a call stays live before it is taken for abandoned (default 30 s); tests shorten it. */
  executionGraceMs?: number;
  /** Webhook relay timings (tests shorten the backoff); not configurable from the environment. */
  alerts?: DeliveryOptions;
  /** How long a Web API call may take (default 5 s); tests shorten it to see Slack answer late. */
  slackTimeoutMs?: number;
}

/** A started app. `ready` settles once Slack has confirmed the bot token. */
export interface RunningApp {
  readonly port: number;
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  readonly ready: Promise<void>;
  readonly services: Services;
  /** What the app keeps (tests read it back through the repositories). */
  readonly storage: Storage;
  stop(): Promise<void>;
}

/**
 * Starts the app: the HTTP listener at once (health answers 503 until ready), then Slack:
 * the bot token is verified (waiting out a Slack outage), Bolt is wired, every capability
 * registered, and in Socket Mode the socket opened.
 */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const sdkLogger = slackLogger(logger);
  const metrics = new AppMetrics();
  const rejected = slackRejections(logger, (reason) => metrics.slackRequestRejected(reason));
  const slackSettings = (timeoutMs: number) => ({ apiUrl: config.SLACK_API_URL, timeoutMs, logger, fetch: metrics.slackFetch });
  // Interactive replies fail fast: a person is waiting.
  const clientOptions = webClientOptions(slackSettings(options.slackTimeoutMs ?? 5000));
  const webClient = new WebClient(config.SLACK_BOT_TOKEN, clientOptions);
  const dart = new DartClient({ baseUrl: config.DART_API_URL, token: config.DART_API_TOKEN, timeoutMs: config.DART_TIMEOUT_MS }, (call) => {
    metrics.dartCall(call);
    logger.debug({ dart: call }, 'DART call');
  });
  const access = new AccessControl(
    { viewers: config.DART_VIEWERS, operators: config.DART_OPERATORS, treasurers: config.DART_TREASURERS },
    webClient,
    logger,
  );
  // Finds out, without moving anything, whether DART answers at that URL with that token; never holds up the start.
  const dartProbe = probeDart(dart, logger);
  const router = new HttpRouter(logger);
  // Each repository goes to the one capability that owns it; nothing else sees the database.
  const storage = await openStorage(config, logger);
  const audit = new AuditLog(storage.audit, webClient, config.DART_AUDIT_CHANNEL, logger);
  const history = new HistorySources(logger);
  history.add(auditHistorySource(storage.audit));
  // Renames are added to `history` when alerts register; the state follows the customer's earlier names.
  const customerState = customerStateReader(storage.audit, storage.outbox, (name) => history.earlierNamesOf(name), now);
  const services: Services = { logger, dart, access, audit, history, customerState, webClient, router, now };
  const transfers = new TransferService(services, storage.transfers, {
    limits: {
      maxCents: config.TRANSFER_MAX_AMOUNT,
      approvalCents: config.TRANSFER_APPROVAL_THRESHOLD,
      secondApprovalCents: config.TRANSFER_SECOND_APPROVAL_THRESHOLD,
      dailyCents: config.TRANSFER_DAILY_LIMIT,
      dailyTotalCents: config.TRANSFER_DAILY_TOTAL_LIMIT,
    },
    confirmMinutes: config.TRANSFER_CONFIRM_MINUTES,
    dartTimeoutMs: config.DART_TIMEOUT_MS,
    ...(options.executionGraceMs === undefined ? {} : { executionGraceMs: options.executionGraceMs }),
  });
  const timings = deliveryTimings(options.alerts);
  const alerts = await registerAlerts(services, storage.outbox, {
    channels: { alerts: config.DART_ALERT_CHANNEL, withdrawals: config.DART_WITHDRAWAL_CHANNEL ?? config.DART_ALERT_CHANNEL },
    webhooks: {
      pathPrefix: config.WEBHOOK_PATH_PREFIX,
      secrets:
        config.WEBHOOK_AUTH === 'none'
          ? 'none'
          : [config.WEBHOOK_SECRET, config.WEBHOOK_SECRET_PREVIOUS].filter((secret) => secret !== undefined),
    },
    // Its own client, timed for one post: the outbox owns retries.
    client: botClient(config.SLACK_BOT_TOKEN, slackSettings(timings.postTimeoutMs)),
    timings,
  });

  let readyState: ReadyState = 'starting';
  registerProbes(router, {
    state: () => readyState,
    mode: config.SLACK_APP_TOKEN ? 'socket' : 'http',
    storage,
    outbox: () => alerts.health(),
    dart: () => dartProbe.report(),
  });
  instrument(metrics, {
    router,
    audit,
    webhookPrefix: config.WEBHOOK_PATH_PREFIX,
    token: config.METRICS_TOKEN,
    shared: { transfersPending: () => storage.transfers.countPending(), outbox: () => alerts.health() },
  });

  // Slack and DART send small bodies quickly: a client that trickles one is cut off rather
  // than holding a connection (and a file descriptor) for Node's default five minutes, and
  // one that connects and sends nothing is closed within seconds (headersTimeout counts from
  // the connection; Node checks every connectionsCheckingInterval).
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 5_000, connectionsCheckingInterval: 1_000 }, router.listener);
  server.on('error', (error) => logger.error({ err: error }, 'HTTP server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  logger.info({ port, mode: config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'listening');

  const stopping = new AbortController();
  const listenerWork = new InFlight();
  let receiver: Receiver | undefined;
  // New Slack work is refused from the first moment of the drain, in both modes (see drainingAnswer).
  const draining = () => readyState === 'stopping';
  const ready = (async () => {
    const identity = await verifyBotToken(config.SLACK_BOT_TOKEN, clientOptions, logger, stopping.signal);
    receiver = config.SLACK_APP_TOKEN
      ? new SocketReceiver({ appToken: config.SLACK_APP_TOKEN, clientOptions, logger: sdkLogger, draining, work: listenerWork })
      : new HTTPReceiver({ signingSecret: '', signatureVerification: false, endpoints: '/slack/events', logger: sdkLogger });
    const app = new App({
      token: config.SLACK_BOT_TOKEN,
      botId: identity.botId,
      botUserId: identity.botUserId,
      receiver,
      logger: sdkLogger,
      clientOptions,
    });
    // Over the socket, SocketReceiver tracks each envelope from its arrival (listeners included); over HTTP, this does.
    if (receiver instanceof HTTPReceiver) trackListenerWork(app, listenerWork);
    access.warm();
    const routes = new SlackRoutes(app, access, logger, rejected);
    registerHelp(routes, services, async () => {
      const freeze = await transfers.currentFreeze();
      return freeze ? frozenNotice(freeze) : undefined;
    });
    registerCustomers(routes, services);
    registerTradeScripts(routes, services, storage.reminders);
    registerTransfers(routes, services, transfers);
    registerTreasuryControls(routes, services, transfers);
    registerHistory(routes, services);
    routes.listen();
    if (receiver instanceof HTTPReceiver) {
      // Signatures are checked before Bolt sees the request (signedSlackRequests), against either secret.
      const secrets = [config.SLACK_SIGNING_SECRET, config.SLACK_SIGNING_SECRET_PREVIOUS].filter((secret) => secret !== undefined);
      const forward = refuseWhileDraining(receiver.requestListener, draining);
      router.add('POST', '/slack/events', signedSlackRequests({ secrets, rejected, forward }));
    } else {
      await receiver.start();
      // A stop that began while the socket was opening has drained already: nothing starts after it.
      if (stopping.signal.aborted) {
        await receiver.stop();
        throw new Error('stopped while starting');
      }
    }
    transfers.startSweeping(options.transferSweepMs);
    readyState = 'ready';
    alerts.startDelivery();
    logger.info({ botUserId: identity.botUserId }, 'ready');
  })();
  // Callers await `ready`; this keeps a refused token from also being an unhandled rejection.
  ready.catch(() => {});

  return {
    port,
    url,
    ready,
    services,
    storage,
    /**
     * The drain: /readyz answers 503 at once and new Slack work is refused, over HTTP or the
     * socket (see drainingAnswer); requests in flight finish (a Slack listener's DART call and reply
     * after its ack included, bounded by DART's timeout); then the listener closes, the
     * outbox gives its leases back, and only then does the database close.
     */
    async stop() {
      const started = performance.now();
      readyState = 'stopping';
      stopping.abort(new Error('stopping'));
      // The listener stays open while work in flight finishes, so probes see the 503 and a
      // late Slack command is told to retry instead of finding the port closed.
      await within(Promise.all([router.idle(), listenerWork.idle()]), config.DART_TIMEOUT_MS + 2000);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await alerts.stop();
      // The HTTP receiver is served by our own listener; only a socket needs closing.
      if (receiver instanceof SocketReceiver) await receiver.stop();
      // Nothing is running any more: cut the keep-alive sockets left open.
      server.closeAllConnections();
      await closed;
      await transfers.stop();
      // Writes already sent to DART are recorded before the database closes.
      await audit.settle(config.DART_TIMEOUT_MS + 2000);
      await storage.close();
      logger.info({ drainMs: Math.round(performance.now() - started) }, 'stopped');
    },
  };
}
