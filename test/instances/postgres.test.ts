import pg from 'pg';
import { environmentSchema } from '../../src/config/schema.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { twoProcessSuite } from './two-processes.ts';

// The same two-process tests on one PostgreSQL database (the run's server, a fresh database each test).
twoProcessSuite({
  name: 'one PostgreSQL database',
  // Skipped only while the app has no PostgreSQL engine (DATABASE_URL unknown to its configuration).
  skip: !('DATABASE_URL' in environmentSchema.shape),
  async create() {
    const { url, drop } = await createTestDatabase();
    const column = async (sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<Record<string, unknown>>(sql)).rows.map((row) => String(Object.values(row)[0]));
      } finally {
        await client.end();
      }
    };
    return {
      env: { DATABASE_PATH: undefined, DATABASE_URL: url },
      appliedMigrations: () => column('SELECT name FROM schema_migrations'),
      leaseOwners: () => column("SELECT DISTINCT lease_owner FROM alert_outbox WHERE status = 'pending' AND lease_owner IS NOT NULL"),
      drop,
    };
  },
});
