import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.ts';

describe('the test run’s PostgreSQL server', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('is a real PostgreSQL server with a database of this file’s own', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; name: string }>('SELECT version() AS version, current_database() AS name');
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
      expect(rows[0]?.name).toMatch(/^t_[0-9a-f]{12}$/);
    } finally {
      await client.end();
    }
  });
});
