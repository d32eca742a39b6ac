import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/migrations.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { twoProcessSuite } from './two-processes.ts';

// The same two-process tests on one PostgreSQL database (the run's server, a fresh database each test).
twoProcessSuite({
  name: 'one PostgreSQL database',
  health: 'postgres',
  loggedMigrations: POSTGRES_MIGRATIONS.map((migration) => migration.name),
  async create() {
    const { url, drop } = await createTestDatabase();
    return { env: { DATABASE_PATH: undefined, DATABASE_URL: url }, drop };
  },
});
