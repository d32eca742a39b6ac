import type { OutboxRepository } from '../alerts/repository.ts';
import type { AuditRepository } from '../audit/repository.ts';
import type { Config } from '../config/load.ts';
import type { TransferRepository } from '../transfers/repository.ts';
import type { ReminderRepository } from '../trade-scripts/repository.ts';
import { createLogger, type Logger } from '../util/logger.ts';
import { openSqliteStorage } from './sqlite/storage.ts';

/**
 * Everything the app keeps, behind one repository per aggregate. Each interface lives
 * beside the capability that owns its types and says what every engine guarantees; the
 * engines live under `src/storage/<engine>/`, and nothing else knows SQL.
 */
export interface Storage {
  /** Which engine holds the state, as `/healthz` reports it. */
  readonly engine: string;
  readonly transfers: TransferRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;
  readonly reminders: ReminderRepository;
  /** True when the database answers a trivial read (for `/readyz`); never rejects. */
  ping(): Promise<boolean>;
  /** Closes the connection(s) once the app has stopped using them; safe to call twice. */
  close(): Promise<void>;
}

/** What choosing and opening the engine reads from the configuration. */
export type StorageConfig = Pick<Config, 'DATABASE_PATH'> & Partial<Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'>>;

/**
 * Opens the configured engine, migrated and ready: PostgreSQL when `DATABASE_URL` is set
 * (several instances may share it), the embedded SQLite file otherwise. `logger` hears
 * about lost connections (PostgreSQL), which are retried rather than thrown.
 */
export async function openStorage(config: StorageConfig, logger: Logger = createLogger('silent')): Promise<Storage> {
  if (config.DATABASE_URL !== undefined) {
    // Loaded only when chosen: `pg` adds ~35 ms and ~15 MiB to every start on the default SQLite.
    const { openPostgresStorage } = await import('./postgres/storage.ts');
    return openPostgresStorage(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX ?? 10, logger });
  }
  return openSqliteStorage(config.DATABASE_PATH);
}
