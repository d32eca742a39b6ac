/** An end-of-suspension reminder the app has asked Slack to post. */
export interface Reminder {
  customer: string;
  channel: string;
  scheduledMessageId: string;
  postAt: Date;
}

/** The pending reminders: at most one per customer, a new suspension's replaces the old one. */
export interface ReminderRepository {
  get(customer: string): Promise<Reminder | undefined>;
  /** Stores the customer's reminder, replacing any other. */
  put(reminder: Reminder): Promise<void>;
  remove(customer: string): Promise<void>;
}
