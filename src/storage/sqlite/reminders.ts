import type { Reminder, ReminderRepository } from '../../trade-scripts/repository.ts';
import { reminderFromRow } from '../rows.ts';
import type { Database } from './database.ts';

/** `ReminderRepository` on the embedded SQLite database. */
export class SqliteReminderRepository implements ReminderRepository {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async get(customer: string): Promise<Reminder | undefined> {
    const row = this.#database.prepare('SELECT * FROM tsp_reminders WHERE customer = ?').get(customer);
    return row ? reminderFromRow(row) : undefined;
  }

  async put(reminder: Reminder): Promise<void> {
    this.#database
      .prepare(
        `INSERT INTO tsp_reminders (customer, channel, scheduled_message_id, post_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (customer) DO UPDATE SET channel = excluded.channel,
           scheduled_message_id = excluded.scheduled_message_id, post_at = excluded.post_at`,
      )
      .run(reminder.customer, reminder.channel, reminder.scheduledMessageId, reminder.postAt.toISOString());
  }

  async remove(customer: string): Promise<void> {
    this.#database.prepare('DELETE FROM tsp_reminders WHERE customer = ?').run(customer);
  }
}
