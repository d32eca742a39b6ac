import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../slack/blocks.ts';
import { slackErrorOf } from '../slack/submission.ts';
import type { Database, Migration } from '../store/database.ts';
import type { Logger } from '../util/logger.ts';

/** An end-of-suspension reminder the app has asked Slack to post. */
export interface Reminder {
  customer: string;
  channel: string;
  scheduledMessageId: string;
  postAt: Date;
}

/** At most one pending reminder per customer: a new suspension replaces the old one. */
export interface ReminderStore {
  get(customer: string): Reminder | undefined;
  put(reminder: Reminder): void;
  remove(customer: string): void;
}

export const TSP_MIGRATIONS: Migration[] = [
  {
    name: 'tsp-001-reminders',
    sql: `CREATE TABLE tsp_reminders (
      customer TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      scheduled_message_id TEXT NOT NULL,
      post_at TEXT NOT NULL
    );`,
  },
];

/** `ReminderStore` on the embedded SQLite database. */
export class SqliteReminderStore implements ReminderStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  get(customer: string): Reminder | undefined {
    const row = this.#database.sqlite.prepare('SELECT * FROM tsp_reminders WHERE customer = ?').get(customer);
    if (!row) return undefined;
    return {
      customer: String(row.customer),
      channel: String(row.channel),
      scheduledMessageId: String(row.scheduled_message_id),
      postAt: new Date(String(row.post_at)),
    };
  }

  put(reminder: Reminder): void {
    this.#database.sqlite
      .prepare(
        `INSERT INTO tsp_reminders (customer, channel, scheduled_message_id, post_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (customer) DO UPDATE SET channel = excluded.channel,
           scheduled_message_id = excluded.scheduled_message_id, post_at = excluded.post_at`,
      )
      .run(reminder.customer, reminder.channel, reminder.scheduledMessageId, reminder.postAt.toISOString());
  }

  remove(customer: string): void {
    this.#database.sqlite.prepare('DELETE FROM tsp_reminders WHERE customer = ?').run(customer);
  }
}

/** Whether a reminder was scheduled, and if not, Slack's reason (`not_in_channel`…). */
export type ScheduleResult = { scheduled: true } | { scheduled: false; reason: string };

/**
 * The end-of-suspension reminders: posted by Slack itself at the end time
 * (`chat.scheduleMessage`), so they survive restarts of the app. The scheduled message id
 * is kept so that a resume or a new suspension can take the pending reminder back.
 */
export class SuspensionReminders {
  readonly #store: ReminderStore;
  readonly #client: WebClient;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(store: ReminderStore, client: WebClient, logger: Logger, now: () => Date) {
    this.#store = store;
    this.#client = client;
    this.#logger = logger;
    this.#now = now;
  }

  /** Schedules `reminder` in `channel` at `postAt`, replacing the customer's pending one. */
  async schedule(customer: string, channel: string, postAt: Date, reminder: SlackMessage): Promise<ScheduleResult> {
    await this.cancel(customer);
    try {
      const answer = await this.#client.chat.scheduleMessage({ channel, post_at: Math.floor(postAt.getTime() / 1000), ...reminder });
      if (!answer.scheduled_message_id) return { scheduled: false, reason: 'no scheduled_message_id in the answer' };
      this.#store.put({ customer, channel, scheduledMessageId: answer.scheduled_message_id, postAt });
      return { scheduled: true };
    } catch (error) {
      const reason = slackErrorOf(error);
      this.#logger.warn({ customer, channel, reason }, 'could not schedule the end-of-suspension reminder');
      return { scheduled: false, reason };
    }
  }

  /** Takes back the customer's pending reminder; true when there was one still to come. */
  async cancel(customer: string): Promise<boolean> {
    const pending = this.#store.get(customer);
    if (!pending) return false;
    this.#store.remove(customer);
    if (pending.postAt <= this.#now()) return false; // already posted by Slack
    try {
      await this.#client.chat.deleteScheduledMessage({ channel: pending.channel, scheduled_message_id: pending.scheduledMessageId });
      return true;
    } catch (error) {
      this.#logger.warn({ customer, reason: slackErrorOf(error) }, 'could not take back the end-of-suspension reminder');
      return false;
    }
  }
}
