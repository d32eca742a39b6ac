import type { StoredAlert } from '../../alerts/repository.ts';
import type { AuditEntry } from '../../audit/repository.ts';
import type { Reminder } from '../../trade-scripts/repository.ts';
import type { Freeze, Transfer } from '../../transfers/repository.ts';
import { auditEntryFromRow, deliveredAtFromRow, freezeFromRow, reminderFromRow, storedAlertFromRow, transferFromRow } from '../rows.ts';
import { Database } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

/** What a SQLite file holds that another engine must carry, in the order it was written. */
export interface SqliteExport {
  audit: AuditEntry[];
  /** Every webhook event, with when it was delivered (delivered ones). */
  alerts: Array<{ alert: StoredAlert; deliveredAt?: Date }>;
  reminders: Reminder[];
  /** Every transfer, oldest request first. */
  transfers: Transfer[];
  /** The freeze in force, if any. */
  freeze?: Freeze;
}

/**
 * Reads a SQLite file whole, for `npm run migrate-to-postgres` (bringing its schema up to
 * date first, as a start of the app would). Run it while no instance uses the file.
 */
export function exportSqlite(path: string): SqliteExport {
  const database = new Database(path);
  try {
    database.migrate(MIGRATIONS);
    const all = (sql: string) => database.sqlite.prepare(sql).all();
    const freeze = database.sqlite.prepare('SELECT * FROM transfer_freezes WHERE lifted_at IS NULL ORDER BY id LIMIT 1').get();
    return {
      audit: all('SELECT * FROM audit_entries ORDER BY id').map(auditEntryFromRow),
      alerts: all('SELECT * FROM alert_outbox ORDER BY id').map((row) => {
        const deliveredAt = deliveredAtFromRow(row);
        return { alert: storedAlertFromRow(row), ...(deliveredAt ? { deliveredAt } : {}) };
      }),
      reminders: all('SELECT * FROM tsp_reminders ORDER BY customer').map(reminderFromRow),
      transfers: all('SELECT * FROM transfers ORDER BY requested_at, id').map(transferFromRow),
      ...(freeze ? { freeze: freezeFromRow(freeze) } : {}),
    };
  } finally {
    database.close();
  }
}
