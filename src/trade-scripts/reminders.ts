import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../slack/blocks.ts';
import { slackErrorOf } from '../slack/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { Reminder, ReminderRepository } from './repository.ts';

/** Whether a reminder was scheduled, and if not, Slack's reason (`not_in_channel`…). */
export type ScheduleResult = { scheduled: true } | { scheduled: false; reason: string };

/**
 * The end-of-suspension reminders: posted by Slack itself at the end time
 * (`chat.scheduleMessage`), so they survive restarts of the app. The scheduled message id
 * is kept so that a resume or a new suspension can take the pending reminder back.
 */
export class SuspensionReminders {
  readonly #store: ReminderRepository;
  readonly #client: WebClient;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(store: ReminderRepository, client: WebClient, logger: Logger, now: () => Date) {
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
      await this.#store.put({ customer, channel, scheduledMessageId: answer.scheduled_message_id, postAt });
      return { scheduled: true };
    } catch (error) {
      const reason = slackErrorOf(error);
      this.#logger.warn({ customer, channel, reason }, 'could not schedule the end-of-suspension reminder');
      return { scheduled: false, reason };
    }
  }

  /** Takes back the customer's pending reminder; true when there was one still to come. */
  async cancel(customer: string): Promise<boolean> {
    let pending: Reminder | undefined;
    try {
      pending = await this.#store.get(customer);
      if (pending) await this.#store.remove(customer);
    } catch (error) {
      // This runs after the write to DART: a database that cannot be read is logged, not thrown.
      this.#logger.warn({ err: error, customer }, 'could not read the pending end-of-suspension reminder');
      return false;
    }
    if (!pending) return false;
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
