import { afterEach, beforeEach, describe } from 'vitest';
import type { Storage } from '../../src/storage/storage.ts';
import { auditContract } from './audit.contract.ts';
import { outboxContract } from './outbox.contract.ts';
import { reminderContract } from './reminders.contract.ts';
import { storageContract } from './storage.contract.ts';
import { transferContract } from './transfers.contract.ts';

/** One new, empty database, made for one test. */
export interface TestDatabase {
  /** Opens one more independent handle on this database, as another app instance would (its own connections). */
  open(): Promise<Storage>;
  /** Closes every handle `open` gave (some may be closed already) and removes the database. */
  remove(): Promise<void>;
}

/** How an engine under test makes a new, empty database. */
export type NewTestDatabase = () => Promise<TestDatabase>;

/**
 * Every repository's contract, run against one engine: the guarantees written on the
 * interfaces, through the interfaces only. A second engine adds one test file that calls this.
 */
export function repositoryContracts(engine: string, newDatabase: NewTestDatabase): void {
  describe(`${engine} storage`, () => {
    storageContract(engine, newDatabase);
    transferContract(newDatabase);
    outboxContract(newDatabase);
    auditContract(newDatabase);
    reminderContract(newDatabase);
  });
}

/** A new database for each test of the calling `describe`; `open()` gives handles on the current one. */
export function databasePerTest(newDatabase: NewTestDatabase): { open(): Promise<Storage> } {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await newDatabase();
  });
  afterEach(async () => {
    await current?.remove();
    current = undefined;
  });
  return {
    open: () => {
      if (!current) throw new Error('no database: open() is for inside a test or beforeEach');
      return current.open();
    },
  };
}
