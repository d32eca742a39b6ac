import type { StoredAlert } from '../../alerts/repository.ts';
import type { AuditEntry } from '../../audit/repository.ts';
import type { Reminder } from '../../trade-scripts/repository.ts';
import { auditEntryFromRow, deliveredAtFromRow, reminderFromRow, storedAlertFromRow } from '../rows.ts';
import { Database } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

/** A transfer that still waits for someone or something: it cannot be moved mid-way. */
export interface OpenTransfer {
  id: string;
  customer: string;
  amount: string;
  state: string;
}

/** What a SQLite file holds that another engine must carry, in the order it was written. */
export interface SqliteExport {
  audit: AuditEntry[];
  /** Every webhook event, with when it was delivered (delivered ones). */
  alerts: Array<{ alert: StoredAlert; deliveredAt?: Date }>;
  reminders: Reminder[];
  /** Transfers waiting for Confirm/Approve, for DART's answer, or for a treasurer to resolve an unknown outcome. */
  openTransfers: OpenTransfer[];
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
    return {
      audit: all('SELECT * FROM audit_entries ORDER BY id').map(auditEntryFromRow),
      alerts: all('SELECT * FROM alert_outbox ORDER BY id').map((row) => {
        const deliveredAt = deliveredAtFromRow(row);
        return { alert: storedAlertFromRow(row), ...(deliveredAt ? { deliveredAt } : {}) };
      }),
      reminders: all('SELECT * FROM tsp_reminders ORDER BY customer').map(reminderFromRow),
      openTransfers: all(
        "SELECT id, customer, amount, state FROM transfers WHERE state IN ('requested', 'executing', 'unknown') ORDER BY requested_at",
      ).map((row) => ({ id: String(row.id), customer: String(row.customer), amount: String(row.amount), state: String(row.state) })),
    };
  } finally {
    database.close();
  }
}
