import { describe, expect, it, vi } from 'vitest';
import { parseWebhookBody } from '../../src/alerts/schemas.ts';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/migrations.ts';
import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { fixture } from '../support/webhooks.ts';
import { repositoryContracts } from './contracts.ts';

/** A new database on the run's PostgreSQL server; every handle is its own pool on it, as another instance's would be. */
async function newPostgresDatabase() {
  const database = await createTestDatabase();
  const handles: Storage[] = [];
  return {
    async open() {
      const storage = await openStorage({ DATABASE_PATH: '', DATABASE_URL: database.url, DATABASE_POOL_MAX: 4 });
      handles.push(storage);
      return storage;
    },
    async remove() {
      for (const storage of handles) await storage.close();
      await database.drop();
    },
  };
}

repositoryContracts('postgres', newPostgresDatabase);

describe('postgres engine', () => {
  it('migrates once when several instances open an empty database at the same moment; the others wait and go on', async () => {
    const database = await createTestDatabase();
    const { logger, logs } = capturedLogger();
    const handles = await Promise.all(
      Array.from({ length: 4 }, () => openStorage({ DATABASE_PATH: '', DATABASE_URL: database.url }, logger)),
    );
    try {
      const applied = logs
        .map((line) => JSON.parse(line) as { database?: { migrationsApplied?: string[] } })
        .flatMap((line) => line.database?.migrationsApplied ?? []);
      expect(applied.toSorted()).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.name).toSorted());
      for (const storage of handles) expect(await storage.ping()).toBe(true);
      // Logged without the password.
      expect(logs.join('')).not.toContain(new URL(database.url).password);
    } finally {
      for (const storage of handles) await storage.close();
      await database.drop();
    }
  });

  it('wakes another instance as soon as events are stored (LISTEN/NOTIFY)', async () => {
    const database = await createTestDatabase();
    const [one, two] = await Promise.all([1, 2].map(() => openStorage({ DATABASE_PATH: '', DATABASE_URL: database.url })));
    try {
      let woken = 0;
      two!.outbox.subscribe(() => (woken += 1));
      // The first wake-up says the listener is connected (events stored before it may have been missed).
      await vi.waitFor(() => expect(woken).toBeGreaterThan(0));
      const before = woken;
      const parsed = parseWebhookBody('customer-activate', fixture('activate'));
      if (!parsed.ok) throw new Error(parsed.problem);
      await one!.outbox.add({ event: parsed.event, route: 'alerts', receivedAt: new Date() });
      await vi.waitFor(() => expect(woken).toBeGreaterThan(before));
    } finally {
      await one!.close();
      await two!.close();
      await database.drop();
    }
  });
});
