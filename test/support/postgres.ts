import { inject } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { createDatabase } from '../../src/sandbox/postgres.ts';

/**
 * A fresh, empty PostgreSQL database on the run's server (see `postgres-server.ts`), for
 * one test file or one test; `drop` removes it (connections still open are ended first).
 */
export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(inject('postgresUrl'));
}

/**
 * A fresh test database reached through a relay the test can cut, as if the database went
 * away; `cleanup` gets the steps that close the relay and drop the database.
 */
export async function testDatabaseBehindRelay(cleanup: Array<() => Promise<unknown>>): Promise<{ url: string; proxy: TcpProxy }> {
  const database = await createTestDatabase();
  cleanup.push(() => database.drop());
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  cleanup.push(() => proxy.close());
  target.port = String(proxy.port);
  return { url: target.toString(), proxy };
}
