import type { Database, Migration } from '../store/database.ts';

/** What kind of write an audit entry records. */
export type AuditAction =
  | 'customer.create'
  | 'customer.update'
  | 'tsp.suspend'
  | 'tsp.resume'
  | 'transfer.request'
  | 'transfer.approve'
  | 'transfer.confirm'
  | 'transfer.cancel'
  | 'transfer.expire'
  | 'transfer.void'
  | 'transfer.refuse'
  | 'transfer.execute';

/** How a write ended: DART's clear yes or no, no answer we can trust, or not sent at all. */
export type AuditOutcome = 'succeeded' | 'failed' | 'unknown' | 'recorded';

export interface AuditEntryInput {
  action: AuditAction;
  /** The DART user name the write concerns. */
  customer: string;
  /** Slack user id of who asked. */
  requestedBy: string;
  /** Slack user id of who confirmed or approved, when that is someone's act. */
  confirmedBy?: string;
  /** What was sent to DART, with passwords and secrets left out by the caller. */
  sent: Record<string, unknown>;
  outcome: AuditOutcome;
  /** DART's answer or error, as text. */
  dartAnswer?: string;
  at: Date;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
}

/** The audit log: append-only, read back per customer, newest first. */
export interface AuditStore {
  append(entry: AuditEntryInput): AuditEntry;
  /** The newest entries strictly before `before` (all when absent), newest first; ties newest id first. */
  forCustomer(customer: string, options: { limit: number; before?: Date | undefined }): AuditEntry[];
}

export const AUDIT_MIGRATIONS: Migration[] = [
  {
    name: 'audit-001-entries',
    sql: `CREATE TABLE audit_entries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      action TEXT NOT NULL,
      customer TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      confirmed_by TEXT,
      sent TEXT NOT NULL,
      outcome TEXT NOT NULL,
      dart_answer TEXT,
      at TEXT NOT NULL
    );
    CREATE INDEX audit_entries_customer ON audit_entries (customer, id DESC);`,
  },
  {
    // History reads a customer's entries by time, merged with other sources.
    name: 'audit-002-customer-time',
    sql: 'CREATE INDEX audit_entries_customer_at ON audit_entries (customer, at DESC, id DESC);',
  },
];

/** `AuditStore` on the embedded SQLite database. */
export class SqliteAuditStore implements AuditStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  append(entry: AuditEntryInput): AuditEntry {
    const result = this.#database.sqlite
      .prepare(
        `INSERT INTO audit_entries (action, customer, requested_by, confirmed_by, sent, outcome, dart_answer, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.action,
        entry.customer,
        entry.requestedBy,
        entry.confirmedBy ?? null,
        JSON.stringify(entry.sent),
        entry.outcome,
        entry.dartAnswer ?? null,
        entry.at.toISOString(),
      );
    return { ...entry, id: Number(result.lastInsertRowid) };
  }

  forCustomer(customer: string, { limit, before }: { limit: number; before?: Date | undefined }): AuditEntry[] {
    // ISO-8601 UTC strings of one length sort as the times they name.
    const rows = this.#database.sqlite
      .prepare('SELECT * FROM audit_entries WHERE customer = ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(customer, before?.toISOString() ?? '9999-12-31T23:59:59.999Z', limit);
    return rows.map((row) => ({
      id: Number(row.id),
      action: String(row.action) as AuditAction,
      customer: String(row.customer),
      requestedBy: String(row.requested_by),
      ...(row.confirmed_by === null ? {} : { confirmedBy: String(row.confirmed_by) }),
      sent: JSON.parse(String(row.sent)) as Record<string, unknown>,
      outcome: String(row.outcome) as AuditOutcome,
      ...(row.dart_answer === null ? {} : { dartAnswer: String(row.dart_answer) }),
      at: new Date(String(row.at)),
    }));
  }
}
