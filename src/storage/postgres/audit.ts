import type { AuditEntry, AuditEntryInput, AuditRepository, LatestFilter } from '../../audit/repository.ts';
import { auditEntryFromRow } from '../rows.ts';
import type { PostgresDatabase } from './pool.ts';

/** `AuditRepository` on PostgreSQL: append-only, read per customer by time (index `audit_entries_customer_at`). */
export class PostgresAuditRepository implements AuditRepository {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    const { rows } = await this.#database.query<{ id: string }>(
      `INSERT INTO audit_entries (action, customer, requested_by, confirmed_by, sent, outcome, dart_answer, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        entry.action,
        entry.customer,
        entry.requestedBy,
        entry.confirmedBy ?? null,
        JSON.stringify(entry.sent),
        entry.outcome,
        entry.dartAnswer ?? null,
        entry.at,
      ],
    );
    return { ...entry, id: Number(rows[0]!.id) };
  }

  async forCustomer(
    customers: string | readonly string[],
    { limit, before }: { limit: number; before?: Date | undefined },
  ): Promise<AuditEntry[]> {
    const names = typeof customers === 'string' ? [customers] : customers;
    const { rows } = await this.#database.query(
      `SELECT * FROM audit_entries WHERE customer = ANY($1) AND ($2::timestamptz IS NULL OR at < $2) ORDER BY at DESC, id DESC LIMIT $3`,
      [names, before ?? null, limit],
    );
    return rows.map(auditEntryFromRow);
  }

  async latest(customers: readonly string[], { actions, outcomes, after, before }: LatestFilter): Promise<AuditEntry | undefined> {
    const { rows } = await this.#database.query(
      `SELECT * FROM audit_entries WHERE customer = ANY($1) AND action = ANY($2) AND outcome = ANY($3)
         AND ($4::timestamptz IS NULL OR at > $4) AND ($5::timestamptz IS NULL OR at < $5)
       ORDER BY at DESC, id DESC LIMIT 1`,
      [customers, actions, outcomes, after ?? null, before ?? null],
    );
    return rows[0] ? auditEntryFromRow(rows[0]) : undefined;
  }
}
