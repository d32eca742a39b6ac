import type { Reminder, ReminderRepository } from '../../trade-scripts/repository.ts';
import { reminderFromRow } from '../rows.ts';
import type { PostgresDatabase } from './pool.ts';

/** `ReminderRepository` on PostgreSQL: one row per customer, replaced by an upsert. */
export class PostgresReminderRepository implements ReminderRepository {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async get(customer: string): Promise<Reminder | undefined> {
    const { rows } = await this.#database.query('SELECT * FROM tsp_reminders WHERE customer = $1', [customer]);
    return rows[0] && reminderFromRow(rows[0]);
  }

  async put(reminder: Reminder): Promise<void> {
    await this.#database.query(
      `INSERT INTO tsp_reminders (customer, channel, scheduled_message_id, post_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer) DO UPDATE SET channel = excluded.channel, scheduled_message_id = excluded.scheduled_message_id, post_at = excluded.post_at`,
      [reminder.customer, reminder.channel, reminder.scheduledMessageId, reminder.postAt],
    );
  }

  async remove(customer: string): Promise<void> {
    await this.#database.query('DELETE FROM tsp_reminders WHERE customer = $1', [customer]);
  }
}
