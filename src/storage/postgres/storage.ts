import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../errors.ts';
import type { Storage } from '../storage.ts';
import type { Logger } from '../../util/logger.ts';
import { PostgresAuditRepository } from './audit.ts';
import { migrate } from './migrate.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { OUTBOX_CHANNEL, PostgresOutboxRepository } from './outbox.ts';
import { createPool, PostgresDatabase, redactedDatabaseUrl } from './pool.ts';
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

/**
 * Connects to the database at `url`, migrates it (one instance at a time) and returns its
 * repositories. A database that cannot be reached yet is waited for (a replica may start
 * before its database); any other failure (a wrong password, a failed migration) is thrown.
 */
export async function openPostgresStorage(url: string, { poolMax, logger }: PostgresOptions): Promise<Storage> {
  const applied = await migrateWhenReachable(url, logger);
  logger.info({ database: { engine: 'postgres', url: redactedDatabaseUrl(url), migrationsApplied: applied } }, 'PostgreSQL database ready');
  const database = new PostgresDatabase(createPool(url, { max: poolMax }, logger));
  const listener = new Listener(url, OUTBOX_CHANNEL, logger);
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    transfers: new PostgresTransferRepository(database),
    outbox: new PostgresOutboxRepository(database, listener),
    audit: new PostgresAuditRepository(database),
    reminders: new PostgresReminderRepository(database),
    ping: () => ping(database),
    close: () => (closed ??= Promise.all([listener.close(), database.pool.end()]).then(() => {})),
  };
}

async function migrateWhenReachable(url: string, logger: Logger): Promise<string[]> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await migrate(url, POSTGRES_MIGRATIONS);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const waitMs = Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
      logger.warn(
        { err: error, database: { url: redactedDatabaseUrl(url) }, retryInMs: waitMs },
        'PostgreSQL cannot be reached yet; waiting for it',
      );
      await sleep(waitMs);
    }
  }
}

async function ping(database: PostgresDatabase): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
  const answer = database.query('SELECT 1 FROM schema_migrations LIMIT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
