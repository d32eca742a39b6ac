import { describe, expect, it } from 'vitest';
import type { AuditEntryInput, AuditOutcome } from '../../src/audit/repository.ts';
import { databasePerTest, type NewTestDatabase } from './contracts.ts';

export function auditContract(newDatabase: NewTestDatabase): void {
  describe('AuditRepository', () => {
    const database = databasePerTest(newDatabase);
    const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 12, minutes, 0, 7));
    const entry = (customer: string, minutes: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
      action: 'tsp.suspend',
      customer,
      requestedBy: 'U1',
      sent: { dart_user_name: customer, tsp_duration: '10', nested: { a: [1, 'b'] } },
      outcome: 'succeeded',
      at: at(minutes),
      ...overrides,
    });

    it('reads an entry back as appended, optional fields absent when not given', async () => {
      const { audit } = await database.open();
      const plain = await audit.append(entry('billyjoel', 1));
      const full = await audit.append(
        entry('billyjoel', 2, { action: 'transfer.execute', confirmedBy: 'U2', outcome: 'unknown', dartAnswer: 'timeout' }),
      );
      expect(full.id).toBeGreaterThan(plain.id);
      const read = await audit.forCustomer('billyjoel', { limit: 10 });
      expect(read).toEqual([full, plain]);
      expect(Object.keys(read[1]!).sort()).toEqual(['action', 'at', 'customer', 'id', 'outcome', 'requestedBy', 'sent']);
    });

    it('pages newest first over several names, ties by newest id, strictly before the cursor', async () => {
      const { audit } = await database.open();
      const first = await audit.append(entry('billyjoel', 1));
      const tiedOlder = await audit.append(entry('billy', 2));
      const tiedNewer = await audit.append(entry('billyjoel', 2));
      await audit.append(entry('someoneelse', 3));
      const newest = await audit.append(entry('billy', 4));
      const ids = (entries: Array<{ id: number }>) => entries.map((e) => e.id);
      expect(ids(await audit.forCustomer(['billyjoel', 'billy'], { limit: 10 }))).toEqual([
        newest.id,
        tiedNewer.id,
        tiedOlder.id,
        first.id,
      ]);
      expect(ids(await audit.forCustomer(['billyjoel', 'billy'], { limit: 2 }))).toEqual([newest.id, tiedNewer.id]);
      expect(ids(await audit.forCustomer(['billyjoel', 'billy'], { limit: 10, before: at(4) }))).toEqual([
        tiedNewer.id,
        tiedOlder.id,
        first.id,
      ]);
      expect(ids(await audit.forCustomer('billyjoel', { limit: 10, before: undefined }))).toEqual([tiedNewer.id, first.id]);
      expect(await audit.forCustomer('nobody', { limit: 10 })).toEqual([]);
    });

    it('finds the newest entry of some actions and outcomes over several names, ties by newest id', async () => {
      const { audit } = await database.open();
      const tsp = ['tsp.suspend', 'tsp.resume'] as const;
      await audit.append(entry('billyjoel', 1, { action: 'tsp.suspend' }));
      const resumed = await audit.append(entry('billyjoel', 2, { action: 'tsp.resume' }));
      const unknown = await audit.append(entry('billy', 3, { action: 'tsp.suspend', outcome: 'unknown' }));
      await audit.append(entry('billy', 4, { action: 'tsp.suspend', outcome: 'failed' }));
      await audit.append(entry('billyjoel', 5, { action: 'customer.update' }));
      await audit.append(entry('someoneelse', 6, { action: 'tsp.resume' }));
      const latest = (names: string[], outcomes: AuditOutcome[]) => audit.latest(names, { actions: tsp, outcomes });
      expect(await latest(['billyjoel', 'billy'], ['succeeded', 'unknown'])).toEqual(unknown);
      expect(await latest(['billyjoel', 'billy'], ['succeeded'])).toEqual(resumed);
      expect(await latest(['billyjoel'], ['succeeded', 'unknown'])).toEqual(resumed);
      expect(await audit.latest(['billyjoel'], { actions: ['transfer.execute'], outcomes: ['succeeded'] })).toBeUndefined();
      expect(await latest(['nobody'], ['succeeded', 'unknown'])).toBeUndefined();
      // Only strictly inside a time window, when one is given.
      const within = (after: Date | undefined, before: Date | undefined) =>
        audit.latest(['billyjoel', 'billy'], { actions: tsp, outcomes: ['succeeded', 'unknown'], after, before });
      expect(await within(undefined, at(3))).toEqual(resumed);
      expect(await within(at(2), at(4))).toEqual(unknown);
      expect(await within(at(3), undefined)).toBeUndefined();

      // Two entries at the same time under two names: the one appended last is the newest.
      const tiedOlder = await audit.append(entry('billyjoel', 7, { action: 'tsp.suspend' }));
      const tiedNewer = await audit.append(entry('billy', 7, { action: 'tsp.resume', outcome: 'unknown' }));
      expect(await latest(['billyjoel', 'billy'], ['succeeded', 'unknown'])).toEqual(tiedNewer);
      expect(await latest(['billyjoel', 'billy'], ['succeeded'])).toEqual(tiedOlder);
    });
  });
}
