import type { WebClient } from '@slack/web-api';
import { context, message, section, type SlackMessage } from '../slack/blocks.ts';
import { code, escapeMrkdwn } from '../slack/mrkdwn.ts';
import { InFlight } from '../util/in-flight.ts';
import type { Logger } from '../util/logger.ts';
import { within } from '../util/within.ts';
import { auditLine } from './lines.ts';
import type { AuditEntry, AuditEntryInput, AuditRepository } from './repository.ts';

/** The audit-channel post for one entry, with what was sent. */
function auditMessage(entry: AuditEntry): SlackMessage {
  const sent = Object.entries(entry.sent)
    .map(([key, value]) => `${escapeMrkdwn(key)}=${code(String(value))}`)
    .join(' ');
  return message(escapeMrkdwn(`Audit: ${entry.action} ${entry.customer} (${entry.outcome})`), [
    section(auditLine(entry)),
    ...(sent ? [context(`Sent: ${sent}`)] : []),
  ]);
}

/**
 * Records every write: in the store first (the record that counts), then, when an audit
 * channel is configured, as a post there. A failed post is logged, never thrown: the
 * write itself has already happened.
 */
export class AuditLog {
  readonly #store: AuditRepository;
  readonly #client: WebClient;
  readonly #channel: string | undefined;
  readonly #logger: Logger;
  readonly #inFlight = new InFlight();
  readonly #listeners: Array<(entry: AuditEntry) => void> = [];

  constructor(store: AuditRepository, client: WebClient, channel: string | undefined, logger: Logger) {
    this.#store = store;
    this.#client = client;
    this.#channel = channel;
    this.#logger = logger;
  }

  /**
   * Runs a write whose record must land before the app stops: `settle` (called on
   * shutdown, before the database closes) waits for it.
   */
  track<T>(write: Promise<T>): Promise<T> {
    return this.#inFlight.track(write);
  }

  /** Waits at most `ms` for every tracked write to be recorded. */
  async settle(ms: number): Promise<void> {
    await within(this.#inFlight.idle(), ms);
  }

  /** Calls `listener` with every entry once it is stored (metrics count transfer outcomes here). */
  onRecord(listener: (entry: AuditEntry) => void): void {
    this.#listeners.push(listener);
  }

  async record(input: AuditEntryInput): Promise<AuditEntry> {
    const entry = await this.#store.append(input);
    for (const listener of this.#listeners) listener(entry);
    this.#logger.info({ audit: { id: entry.id, action: entry.action, customer: entry.customer, outcome: entry.outcome } }, 'audit');
    if (this.#channel) {
      await this.#client.chat
        .postMessage({ channel: this.#channel, ...auditMessage(entry) })
        .catch((error: unknown) => this.#logger.warn({ err: error, auditId: entry.id }, 'could not post to the audit channel'));
    }
    return entry;
  }
}
