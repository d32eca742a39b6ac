import { describe, expect, it } from 'vitest';
import { databasePerTest, type NewTestDatabase } from './contracts.ts';

export function storageContract(engine: string, newDatabase: NewTestDatabase): void {
  describe('the storage handle', () => {
    const database = databasePerTest(newDatabase);

    it('names its engine and answers a ping until closed; closing twice is harmless', async () => {
      const storage = await database.open();
      expect(storage.engine).toBe(engine);
      expect(await storage.ping()).toBe(true);
      await storage.close();
      expect(await storage.ping()).toBe(false);
      await storage.close();
    });

    it('keeps what was written for the next handle, after the first one closed', async () => {
      const first = await database.open();
      await first.reminders.put({
        customer: 'billyjoel',
        channel: 'C1',
        scheduledMessageId: 'Q1',
        postAt: new Date('2025-01-01T00:00:00Z'),
      });
      await first.close();
      const second = await database.open();
      expect(await second.reminders.get('billyjoel')).toMatchObject({ scheduledMessageId: 'Q1' });
    });
  });
}
