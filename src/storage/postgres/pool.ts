import pg from 'pg';
import type { Logger } from '../../util/logger.ts';
import { DatabaseUnavailableError } from '../errors.ts';

/** How the app's connections to PostgreSQL behave; the defaults are what `DATABASE_URL` gets. */
export interface PoolOptions {
  /** At most this many connections per instance (`DATABASE_POOL_MAX`, 10 by default). */
  max: number;
  /** A connection not made within this is an error, not a wait (the request gets its answer). */
  connectTimeoutMs?: number;
  /** A statement running longer is cancelled by the server, so a stuck query cannot hang a request. */
  statementTimeoutMs?: number;
}

// Timestamps come back as `Date` (pg's default); 64-bit integers (ids, cents, counts) as
// strings, converted where they are read: every one the app keeps fits a JS number except
// cents, which stay bigint.

/**
 * A bounded pool. A connection that breaks while idle (the server restarted, a network cut)
 * is reported on the pool's `error` event: logged, never a crash; the next query opens a new
 * one, so the app recovers by itself when the database is back.
 */
export function createPool(url: string, options: PoolOptions, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    // A transaction left open by a lost client must not hold its locks (the outbox's) for long.
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'dart-slack',
    keepAlive: true,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; a new one is opened on next use'));
  return pool;
}

/**
 * The pool as the repositories use it: a failure to reach the database (refused, lost, no
 * answer in time) rejects with `DatabaseUnavailableError`, whatever the driver said.
 */
export class PostgresDatabase {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, values);
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /**
   * Runs `work` in one transaction on one pooled connection: committed when it resolves,
   * rolled back when it throws. A connection that failed is destroyed rather than reused.
   */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
    // A checked-out client that loses its connection between two queries emits `error`; with
    // no listener that would be an uncaught exception. The failing query rejects anyway.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A refused statement leaves a healthy connection; one whose rollback fails does not.
      await client
        .query('ROLLBACK')
        .catch((rollback: unknown) => (broken = rollback instanceof Error ? rollback : new Error(String(rollback))));
      if (isConnectionError(error)) broken = error as Error;
      throw unavailableOr(error);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

/** `DatabaseUnavailableError` for a failure to reach the database; any other error as it is. */
export function unavailableOr(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  return new DatabaseUnavailableError(`the database cannot be reached: ${(error as Error).message}`, { cause: error });
}

/**
 * PostgreSQL's connection-exception (08) and operator-intervention (57: shut down, or a
 * statement cancelled by its timeout) classes, too many connections, the database gone,
 * or a socket or pool error before the server answered.
 */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|57|53300$|3D000$)/.test(code)) return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}

/** The URL as it may be logged: scheme, host, port and database; never the user's password. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '[redacted]';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '[unparseable DATABASE_URL]';
  }
}
