import type { AuditEntry, AuditEntryInput, AuditRepository, LatestFilter } from '../../audit/repository.ts';
import { auditEntryFromRow } from '../rows.ts';
import { placeholders, type Database } from './database.ts';

/** Earlier and later than any entry, for an open bound (ISO-8601 UTC strings of one length sort as the times they name). */
const START_OF_TIME = '0000-01-01T00:00:00.000Z';
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** `AuditRepository` on the embedded SQLite database. */
export class SqliteAuditRepository implements AuditRepository {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    const result = this.#database
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

  async forCustomer(
    customers: string | readonly string[],
    { limit, before }: { limit: number; before?: Date | undefined },
  ): Promise<AuditEntry[]> {
    const names = typeof customers === 'string' ? [customers] : customers;
    // ISO-8601 UTC strings of one length sort as the times they name.
    const rows = this.#database
      .prepare(`SELECT * FROM audit_entries WHERE customer IN (${placeholders(names.length)}) AND at < ? ORDER BY at DESC, id DESC LIMIT ?`)
      .all(...names, before?.toISOString() ?? END_OF_TIME, limit);
    return rows.map(auditEntryFromRow);
  }

  async latest(customers: readonly string[], { actions, outcomes, after, before }: LatestFilter): Promise<AuditEntry | undefined> {
    const row = this.#database
      .prepare(
        `SELECT * FROM audit_entries WHERE customer IN (${placeholders(customers.length)}) AND action IN (${placeholders(actions.length)})
           AND outcome IN (${placeholders(outcomes.length)}) AND at > ? AND at < ?
         ORDER BY at DESC, id DESC LIMIT 1`,
      )
      .get(...customers, ...actions, ...outcomes, after?.toISOString() ?? START_OF_TIME, before?.toISOString() ?? END_OF_TIME);
    return row ? auditEntryFromRow(row) : undefined;
  }
}
