import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { twoProcessSuite } from './two-processes.ts';

// Several processes sharing one SQLite file on one disk, as the README allows.
twoProcessSuite({
  name: 'a shared SQLite file',
  async create(scratch) {
    const path = join(scratch, `shared-${randomBytes(4).toString('hex')}.db`);
    const column = (sql: string) => {
      const sqlite = new DatabaseSync(path, { readOnly: true });
      try {
        return Promise.resolve(sqlite.prepare(sql).all().map((row) => String(Object.values(row)[0])));
      } finally {
        sqlite.close();
      }
    };
    return {
      env: { DATABASE_PATH: path },
      appliedMigrations: () => column('SELECT name FROM schema_migrations'),
      leaseOwners: () => column("SELECT DISTINCT lease_owner FROM alert_outbox WHERE status = 'pending' AND lease_owner IS NOT NULL"),
      // The file goes with the stand-ins' scratch folder.
      async drop() {},
    };
  },
});
