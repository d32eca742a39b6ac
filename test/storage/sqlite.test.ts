import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { executionRules } from '../../src/transfers/execution-rules.ts';
import { repositoryContracts, type TestDatabase } from './contracts.ts';

/** A new SQLite file in its own temporary folder; every handle is its own connection to it. */
async function newSqliteDatabase(): Promise<TestDatabase> {
  const directory = mkdtempSync(join(tmpdir(), 'dart-storage-'));
  const handles: Storage[] = [];
  return {
    async open() {
      const storage = await openStorage({ DATABASE_PATH: join(directory, 'shared.db') });
      handles.push(storage);
      return storage;
    },
    async remove() {
      for (const storage of handles) await storage.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

repositoryContracts('sqlite', newSqliteDatabase);

describe('sqlite migrations', () => {
  it('keeps transfers stored before amounts were kept in cents, and compares them exactly', async () => {
    // A file written by the schema before `transfers-002-void-refused-cents`, holding one
    // requested transfer `t1` of 1234.56 by U1 that needs approval, posted as C1/1.1 at 2025-03-03T09:00Z.
    const directory = mkdtempSync(join(tmpdir(), 'dart-before-cents-'));
    copyFileSync(new URL('fixtures/transfers-before-cents.db', import.meta.url), join(directory, 'old.db'));
    const old = await openStorage({ DATABASE_PATH: join(directory, 'old.db') });
    try {
      expect(await old.transfers.get('t1')).toMatchObject({ amount: '1234.56', state: 'requested', needsApproval: true });
      const move = {
        kind: 'approve' as const,
        actor: 'U2',
        executor: 'x',
        now: new Date('2025-03-03T09:01:00Z'),
        message: { channel: 'C1', ts: '1.1' },
      };
      const rules = (max: bigint) =>
        executionRules({
          limits: {
            maxCents: max,
            approvalCents: 1000_00n,
            secondApprovalCents: undefined,
            dailyCents: undefined,
            dailyTotalCents: undefined,
          },
          confirmMinutes: 10,
        });
      expect(await old.transfers.startExecution('t1', move, rules(1234_55n))).toBeUndefined();
      expect((await old.transfers.startExecution('t1', move, rules(1234_56n)))?.state).toBe('executing');
    } finally {
      await old.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
