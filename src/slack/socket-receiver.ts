import type { App, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/logger';

/**
 * Socket Mode for Bolt, like Bolt's own SocketModeReceiver but passing `clientOptions` to
 * the socket client, so `apps.connections.open` also goes to `SLACK_API_URL`.
 */
export class SocketReceiver implements Receiver {
  readonly #client: SocketModeClient;
  #app: App | undefined;

  constructor(appToken: string, clientOptions: WebClientOptions, logger: SlackLogger) {
    this.#client = new SocketModeClient({ appToken, clientOptions, logger });
    this.#client.on('slack_event', async ({ body, ack, retry_num, retry_reason }) => {
      try {
        await this.#app?.processEvent({ body, ack: (response?: unknown) => ack(response), retryNum: retry_num, retryReason: retry_reason });
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
    return this.#client.disconnect();
  }
}
