import { inject } from 'vitest';
import { createDatabase } from '../../src/sandbox/postgres.ts';

/**
 * A fresh, empty PostgreSQL database on the run's server (see `postgres-server.ts`), for
 * one test file or one test; `drop` removes it (connections still open are ended first).
 */
export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(inject('postgresUrl'));
}
