// Child process for the simultaneous-start test: waits for the shared start instant, then
// opens the storage on the database file as `startApp` does (migrating it). Prints "migrated" or the error.
import { openStorage } from '../../src/storage/storage.ts';

const [path = '', startAt = '0'] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {
  // Spin rather than sleep, so every child opens at the same millisecond.
}
try {
  const storage = await openStorage({ DATABASE_PATH: path });
  await storage.close();
  process.stdout.write('migrated\n');
} catch (error) {
  process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
