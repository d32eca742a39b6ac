import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { createTestDatabase } from '../support/postgres.ts';
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
