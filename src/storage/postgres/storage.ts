import type { Storage } from '../storage.ts';
import type { Logger } from '../../util/logger.ts';
import { PostgresAuditRepository } from './audit.ts';
import { migrate } from './migrate.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { OUTBOX_CHANNEL, PostgresOutboxRepository } from './outbox.ts';
import { createPool, redactedDatabaseUrl } from './pool.ts';
import { PostgresReminderRepository } from './reminders.ts';
import { PostgresTransferRepository } from './transfers.ts';
import { Listener } from './wake.ts';

/** How long `/readyz` waits for the database before calling it unreachable. */
const PING_TIMEOUT_MS = 2000;

export interface PostgresOptions {
  /** `DATABASE_POOL_MAX`. */
  poolMax: number;
  logger: Logger;
}

/** Connects to the database at `url`, migrates it (one instance at a time) and returns its repositories. */
export async function openPostgresStorage(url: string, { poolMax, logger }: PostgresOptions): Promise<Storage> {
  const applied = await migrate(url, POSTGRES_MIGRATIONS);
  logger.info({ database: { engine: 'postgres', url: redactedDatabaseUrl(url), migrationsApplied: applied } }, 'PostgreSQL database ready');
  const pool = createPool(url, { max: poolMax }, logger);
  const listener = new Listener(url, OUTBOX_CHANNEL, logger);
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    transfers: new PostgresTransferRepository(pool),
    outbox: new PostgresOutboxRepository(pool, listener),
    audit: new PostgresAuditRepository(pool),
    reminders: new PostgresReminderRepository(pool),
    ping: () => ping(pool),
    close: () => (closed ??= Promise.all([listener.close(), pool.end()]).then(() => {})),
  };
}

async function ping(pool: import('pg').Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
  const answer = pool.query('SELECT 1 FROM schema_migrations LIMIT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
