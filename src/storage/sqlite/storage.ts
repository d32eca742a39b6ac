import type { Storage } from '../storage.ts';
import { SqliteAuditRepository } from './audit.ts';
import { Database } from './database.ts';
import { MIGRATIONS } from './migrations.ts';
import { SqliteOutboxRepository } from './outbox.ts';
import { SqliteReminderRepository } from './reminders.ts';
import { SqliteTransferRepository } from './transfers.ts';

/** Opens (creating it if need be) and migrates the SQLite file at `path` (`:memory:` for a throw-away one). */
export function openSqliteStorage(path: string): Storage {
  const database = new Database(path);
  try {
    database.migrate(MIGRATIONS);
  } catch (error) {
    database.close();
    throw error;
  }
  return {
    engine: 'sqlite',
    transfers: new SqliteTransferRepository(database),
    outbox: new SqliteOutboxRepository(database),
    audit: new SqliteAuditRepository(database),
    reminders: new SqliteReminderRepository(database),
    ping: async () => database.reachable(),
    close: async () => database.close(),
  };
}
