// Child process for the simultaneous-start test: waits for the shared start instant, then
// opens the database file and migrates it as `startApp` does. Prints "migrated" or the error.
import { Database } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

const [path = '', startAt = '0'] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {
  // Spin rather than sleep, so every child opens at the same millisecond.
}
try {
  const database = new Database(path);
  database.migrate(MIGRATIONS);
  database.close();
  process.stdout.write('migrated\n');
} catch (error) {
  process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
