import pg from 'pg';
import type { Logger } from '../../util/logger.ts';

/**
 * One dedicated connection that `LISTEN`s on `channel` and calls `wake` for each
 * notification, so an instance's delivery worker starts on events another instance stored
 * without waiting for its next poll. A lost connection is opened again with backoff (up to
 * 30 s); while it is down the workers' polling alone still delivers everything, and each
 * reconnection wakes them once, since notifications sent meanwhile are lost.
 */
export class Listener {
  readonly #url: string;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;

  constructor(url: string, channel: string, logger: Logger) {
    this.#url = url;
    this.#channel = channel;
    this.#logger = logger;
  }

  /** Calls `wake` on every notification from now on; returns the way to stop. Connects on the first one. */
  subscribe(wake: () => void): () => void {
    this.#listeners.add(wake);
    if (this.#client === undefined && this.#retryTimer === undefined) void this.#connect();
    return () => this.#listeners.delete(wake);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #wakeAll(): void {
    for (const wake of [...this.#listeners]) wake();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: 5000,
      application_name: 'dart-slack listener',
      keepAlive: true,
    });
    this.#client = client;
    client.on('notification', () => this.#wakeAll());
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.#channel)}`);
      if (this.#failures > 0) this.#logger.info('PostgreSQL notifications restored');
      this.#failures = 0;
      this.#wakeAll();
    } catch (error) {
      this.#lost(client, error);
    }
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    client.end().catch(() => {});
    this.#failures += 1;
    const waitMs = Math.min(30_000, 500 * 2 ** Math.min(this.#failures - 1, 10));
    if (this.#failures === 1)
      this.#logger.warn({ err: error, retryInMs: waitMs }, 'PostgreSQL notifications lost; polling until they are back');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, waitMs);
    this.#retryTimer.unref();
  }
}
