import type { App, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/logger';
import type { InFlight } from '../util/in-flight.ts';
import { drainingAnswer } from './drain.ts';

export interface SocketReceiverOptions {
  appToken: string;
  clientOptions: WebClientOptions;
  logger: SlackLogger;
  /** True from the first moment of the drain: new envelopes are then refused (see drainingAnswer). */
  draining: () => boolean;
  /** Every envelope handed to Bolt is tracked here from its arrival, so the drain waits for it. */
  work: InFlight;
}

/**
 * Socket Mode for Bolt, like Bolt's own SocketModeReceiver but passing `clientOptions` to
 * the socket client, so `apps.connections.open` also goes to `SLACK_API_URL`, and refusing
 * new work during the drain as the HTTP path does (refuseWhileDraining): a slash command is
 * acked with the "restarting, nothing was done" reply; any other envelope is not acked at
 * all, so Slack shows the click as failed or retries the event, possibly on another
 * instance's connection. Envelopes already handed to Bolt finish.
 */
export class SocketReceiver implements Receiver {
  readonly #client: SocketModeClient;
  #app: App | undefined;
  #stopped = false;

  constructor({ appToken, clientOptions, logger, draining, work }: SocketReceiverOptions) {
    this.#client = new SocketModeClient({ appToken, clientOptions, logger });
    // A reconnect already under way when the drain closed the socket (the client checks for a
    // shutdown only before it starts one) can open a live socket after the stop: it is closed again.
    this.#client.on('connected', () => {
      if (this.#stopped) void this.#client.disconnect();
    });
    this.#client.on('slack_event', async ({ type, body, ack, retry_num, retry_reason }) => {
      try {
        if (draining()) {
          const answer = drainingAnswer(isRecord(body) ? body : {});
          logger.info(
            `Socket Mode ${String(type)} envelope arrived during the drain: ${answer.kind === 'reply' ? 'told to retry' : 'not acked'}`,
          );
          if (answer.kind === 'reply') await ack(answer.reply);
          return;
        }
        // Tracked in the same tick as the check above: the drain either refuses an envelope or waits for it.
        await work.track(
          this.#app?.processEvent({ body, ack: (response?: unknown) => ack(response), retryNum: retry_num, retryReason: retry_reason }) ??
            Promise.resolve(),
        );
      } catch (error) {
        logger.error(`Bolt could not process a Socket Mode event of type ${String(body?.type)}: ${String(error)}`);
      }
    });
  }

  init(app: App): void {
    this.#app = app;
  }

  start(): Promise<unknown> {
    return this.#client.start();
  }

  stop(): Promise<unknown> {
    this.#stopped = true;
    return this.#client.disconnect();
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
