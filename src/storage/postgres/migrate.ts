import pg from 'pg';
import { unavailableOr } from './pool.ts';

/** One schema step for PostgreSQL. Names are unique and never reused. */
export interface PostgresMigration {
  name: string;
  sql: string;
}

/** The session-level advisory lock every instance takes to migrate ("dart-slack" in ASCII). */
const MIGRATION_LOCK = 0x64_61_72_74_2d_73_6cn;

/**
 * Applies the migrations not yet applied, in order, each in its own transaction with its
 * row in `schema_migrations`. Instances starting together on an empty database queue on
 * one advisory lock: the first applies everything, the others then find nothing left.
 * Runs on a connection of its own with no statement timeout, since waiting for the lock
 * may outlast one.
 */
export async function migrate(url: string, migrations: readonly PostgresMigration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'dart-slack migrations' });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw unavailableOr(error);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    // Ending the session releases the advisory lock too, even when a migration failed.
    await client.end().catch(() => {});
  }
}
