import type pg from 'pg';
import type { AuditAction, AuditEntry, AuditEntryInput, AuditOutcome, AuditRepository } from '../../audit/repository.ts';

/** `AuditRepository` on PostgreSQL: append-only, read per customer by time (index `audit_entries_customer_at`). */
export class PostgresAuditRepository implements AuditRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    const { rows } = await this.#pool.query<{ id: string }>(
      `INSERT INTO audit_entries (action, customer, requested_by, confirmed_by, sent, outcome, dart_answer, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [entry.action, entry.customer, entry.requestedBy, entry.confirmedBy ?? null, JSON.stringify(entry.sent), entry.outcome, entry.dartAnswer ?? null, entry.at],
    );
    return { ...entry, id: Number(rows[0]!.id) };
  }

  async forCustomer(customers: string | readonly string[], { limit, before }: { limit: number; before?: Date | undefined }): Promise<AuditEntry[]> {
    const names = typeof customers === 'string' ? [customers] : customers;
    const { rows } = await this.#pool.query(
      `SELECT * FROM audit_entries WHERE customer = ANY($1) AND ($2::timestamptz IS NULL OR at < $2) ORDER BY at DESC, id DESC LIMIT $3`,
      [names, before ?? null, limit],
    );
    return rows.map(toEntry);
  }

  async latestSucceeded(customer: string, actions: readonly AuditAction[]): Promise<AuditEntry | undefined> {
    const { rows } = await this.#pool.query(
      `SELECT * FROM audit_entries WHERE customer = $1 AND outcome = 'succeeded' AND action = ANY($2) ORDER BY at DESC, id DESC LIMIT 1`,
      [customer, actions],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }
}

function toEntry(row: Record<string, unknown>): AuditEntry {
  return {
    id: Number(row.id),
    action: String(row.action) as AuditAction,
    customer: String(row.customer),
    requestedBy: String(row.requested_by),
    ...(row.confirmed_by === null ? {} : { confirmedBy: String(row.confirmed_by) }),
    sent: row.sent as Record<string, unknown>,
    outcome: String(row.outcome) as AuditOutcome,
    ...(row.dart_answer === null ? {} : { dartAnswer: String(row.dart_answer) }),
    at: row.at as Date,
  };
}
