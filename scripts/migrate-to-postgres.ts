/**
 * `npm run migrate-to-postgres -- <sqlite file>`: copies the audit log, the webhook outbox,
 * the reminders, the transfers and a freeze in force of a SQLite file into the PostgreSQL database named by `DATABASE_URL`
 * (see `src/storage/move-to-postgres.ts` and the README's "Running several instances").
 * Run it with every instance stopped. Exit codes: 0 moved, 1 refused or failed (nothing or
 * not everything was written: the message says which), 64 usage, 78 configuration.
 */
import { existsSync } from 'node:fs';
import { MoveRefusedError, moveToPostgres } from '../src/storage/move-to-postgres.ts';
import { redactedDatabaseUrl } from '../src/storage/postgres/pool.ts';

const say = (line: string) => process.stdout.write(`migrate-to-postgres: ${line}\n`);
const fail = (line: string, code: number) => {
  process.stderr.write(`migrate-to-postgres: ${line}\n`);
  process.exitCode = code;
};

async function main([path, ...rest]: string[]): Promise<void> {
  if (path === undefined || rest.length > 0)
    return fail('usage: npm run migrate-to-postgres -- <sqlite file>   (with DATABASE_URL set)', 64);
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) return fail('DATABASE_URL: expected postgres://user:password@host:5432/database', 78);
  if (!existsSync(path)) return fail(`${path}: no such SQLite file`, 78);
  say(`from ${path} to ${redactedDatabaseUrl(url)}`);
  try {
    const moved = await moveToPostgres(path, url);
    const { pending, delivered, dead } = moved.events;
    say(
      `copied ${moved.auditEntries} audit entries, ${pending + delivered + dead} webhook events (${delivered} delivered, ${pending} pending, ${dead} dead), ${moved.reminders} reminders, ${moved.transfers} transfers`,
    );
    if (moved.frozen) say('transfers were frozen and stay frozen: a treasurer lifts it with /dart unfreeze');
  } catch (error) {
    if (error instanceof MoveRefusedError) return fail(`nothing was copied: ${error.message}`, 1);
    fail(
      `failed part-way (drop and recreate the PostgreSQL database before trying again): ${error instanceof Error ? error.message : String(error)}`,
      1,
    );
  }
}

await main(process.argv.slice(2));
