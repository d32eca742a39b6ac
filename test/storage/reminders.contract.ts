import { describe, expect, it } from 'vitest';
import { databasePerTest, type NewTestDatabase } from './contracts.ts';

export function reminderContract(newDatabase: NewTestDatabase): void {
  describe('ReminderRepository', () => {
    const database = databasePerTest(newDatabase);
    const postAt = new Date('2025-03-03T09:00:00.123Z');

    it('keeps one reminder per customer: put replaces, remove forgets', async () => {
      const { reminders } = await database.open();
      expect(await reminders.get('billyjoel')).toBeUndefined();
      await reminders.put({ customer: 'billyjoel', channel: 'C1', scheduledMessageId: 'Q1', postAt });
      await reminders.put({ customer: 'adaline', channel: 'C1', scheduledMessageId: 'Q2', postAt });
      await reminders.put({ customer: 'billyjoel', channel: 'C2', scheduledMessageId: 'Q3', postAt: new Date(postAt.getTime() + 1) });
      expect(await reminders.get('billyjoel')).toEqual({
        customer: 'billyjoel',
        channel: 'C2',
        scheduledMessageId: 'Q3',
        postAt: new Date(postAt.getTime() + 1),
      });
      await reminders.remove('billyjoel');
      await reminders.remove('nobody');
      expect(await reminders.get('billyjoel')).toBeUndefined();
      expect(await reminders.get('adaline')).toEqual({ customer: 'adaline', channel: 'C1', scheduledMessageId: 'Q2', postAt });
    });
  });
}
