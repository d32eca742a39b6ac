import type pg from 'pg';
import type { Reminder, ReminderRepository } from '../../tsp/repository.ts';

/** `ReminderRepository` on PostgreSQL: one row per customer, replaced by an upsert. */
export class PostgresReminderRepository implements ReminderRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(customer: string): Promise<Reminder | undefined> {
    const { rows } = await this.#pool.query<{ customer: string; channel: string; scheduled_message_id: string; post_at: Date }>(
      'SELECT * FROM tsp_reminders WHERE customer = $1',
      [customer],
    );
    const row = rows[0];
    return row && { customer: row.customer, channel: row.channel, scheduledMessageId: row.scheduled_message_id, postAt: row.post_at };
  }

  async put(reminder: Reminder): Promise<void> {
    await this.#pool.query(
      `INSERT INTO tsp_reminders (customer, channel, scheduled_message_id, post_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer) DO UPDATE SET channel = excluded.channel, scheduled_message_id = excluded.scheduled_message_id, post_at = excluded.post_at`,
      [reminder.customer, reminder.channel, reminder.scheduledMessageId, reminder.postAt],
    );
  }

  async remove(customer: string): Promise<void> {
    await this.#pool.query('DELETE FROM tsp_reminders WHERE customer = $1', [customer]);
  }
}
