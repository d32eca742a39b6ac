import type { ExecutionRule, RuleCheck } from '../../transfers/execution-rules.ts';
import type { ExecutionMove, NewTransfer, Transfer, TransferOutcome, TransferRepository } from '../../transfers/repository.ts';
import { parseDecimalAmount } from '../../util/money.ts';
import { transferFromRow } from '../rows.ts';
import type { PostgresDatabase } from './pool.ts';

/**
 * `TransferRepository` on PostgreSQL: every move is one `UPDATE … WHERE state = … RETURNING`
 * with every rule in its WHERE. Under PostgreSQL's row lock, of concurrent moves of one row
 * the first commits and each other re-reads the row, finds the state moved on, and updates
 * nothing: exactly one caller gets the row back, whichever instance each click reached.
 */
export class PostgresTransferRepository implements TransferRepository {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async create(transfer: NewTransfer): Promise<Transfer> {
    const amount = parseDecimalAmount(transfer.amount);
    if (!amount.ok) throw new Error(`not a transfer amount: ${amount.reason}`);
    const row = await this.#one(
      `INSERT INTO transfers (id, customer, customer_name, amount, amount_cents, needs_approval, state, requested_by, requested_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9, $8) RETURNING *`,
      [transfer.id, transfer.customer, transfer.customerName, amount.decimal, amount.cents, transfer.needsApproval, transfer.requestedBy, transfer.requestedAt, transfer.expiresAt],
    );
    if (!row) throw new Error('inserting a transfer returned no row');
    return row;
  }

  async get(id: string): Promise<Transfer | undefined> {
    return this.#one('SELECT * FROM transfers WHERE id = $1', [id]);
  }

  async attachMessage(id: string, channel: string, ts: string): Promise<Transfer | undefined> {
    return this.#one(
      'UPDATE transfers SET channel = $2, message_ts = $3, shown_version = GREATEST(shown_version, 1) WHERE id = $1 AND message_ts IS NULL RETURNING *',
      [id, channel, ts],
    );
  }

  async discard(id: string): Promise<void> {
    await this.#database.query("DELETE FROM transfers WHERE id = $1 AND state = 'requested' AND message_ts IS NULL", [id]);
  }

  async voidUnposted(id: string, reason: string, now: Date): Promise<Transfer | undefined> {
    return this.#one(
      `UPDATE transfers SET ${move(3)}, decided_at = $2, detail = $4 WHERE id = $1 AND state = 'requested' AND message_ts IS NULL RETURNING *`,
      [id, now, 'void', reason],
    );
  }

  async startExecution(id: string, { kind, actor, executor, now, message }: ExecutionMove, rules: readonly ExecutionRule[]): Promise<Transfer | undefined> {
    const values: unknown[] = [id, now, 'executing', actor, executor, message.channel, message.ts];
    // Who may act is checked by callers too; repeating it here keeps the repository from ever breaking it.
    const who = kind === 'confirm' ? 'NOT needs_approval AND requested_by = $4' : 'needs_approval AND requested_by <> $4';
    const conditions = rules.map((rule) => `AND (${condition(rule.check, now, values)})`).join(' ');
    return this.#one(
      `UPDATE transfers SET ${move(3)}, decided_by = $4, decided_at = $2, executor = $5
       WHERE id = $1 AND state = 'requested' AND expires_at > $2 AND channel = $6 AND message_ts = $7 AND ${who} ${conditions} RETURNING *`,
      values,
    );
  }

  async refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Promise<Transfer | undefined> {
    const values: unknown[] = [id, now, 'refused', actor, rule.refusal];
    const holds = condition(rule.check, now, values);
    return this.#one(
      `UPDATE transfers SET ${move(3)}, decided_by = $4, decided_at = $2, detail = $5
       WHERE id = $1 AND state = 'requested' AND NOT (${holds}) RETURNING *`,
      values,
    );
  }

  async cancel(id: string, actor: string, now: Date): Promise<Transfer | undefined> {
    return this.#one(
      `UPDATE transfers SET ${move(3)}, decided_by = $4, decided_at = $2 WHERE id = $1 AND state = 'requested' AND expires_at > $2 RETURNING *`,
      [id, now, 'cancelled', actor],
    );
  }

  async expire(id: string, now: Date): Promise<Transfer | undefined> {
    return this.#one(`UPDATE transfers SET ${move(3)}, decided_at = $2 WHERE id = $1 AND state = 'requested' AND expires_at <= $2 RETURNING *`, [id, now, 'expired']);
  }

  async expireDue(now: Date): Promise<Transfer[]> {
    return this.#all(`UPDATE transfers SET ${move(2)}, decided_at = $1 WHERE state = 'requested' AND expires_at <= $1 RETURNING *`, [now, 'expired']);
  }

  async finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Promise<Transfer | undefined> {
    return this.#one(
      `UPDATE transfers SET ${move(3)}, finished_at = $2, detail = $5
       WHERE id = $1 AND executor = $4 AND state IN ('executing', 'unknown') RETURNING *`,
      [id, now, outcome, executor, detail],
    );
  }

  async abandonExecutions(startedBy: Date, detail: string, now: Date): Promise<Transfer[]> {
    return this.#all(
      `UPDATE transfers SET ${move(2)}, finished_at = $1, detail = $3 WHERE state = 'executing' AND decided_at <= $4 RETURNING *`,
      [now, 'unknown', detail, startedBy],
    );
  }

  async markShown(id: string, version: number): Promise<void> {
    await this.#database.query('UPDATE transfers SET shown_version = GREATEST(shown_version, $2) WHERE id = $1', [id, version]);
  }

  async withStaleMessages(quietSince: Date): Promise<Transfer[]> {
    return this.#all(
      'SELECT * FROM transfers WHERE shown_version < version AND message_ts IS NOT NULL AND updated_at <= $1 ORDER BY updated_at LIMIT 50',
      [quietSince],
    );
  }

  async countPending(): Promise<number> {
    const { rows } = await this.#database.query<{ pending: string }>("SELECT count(*) AS pending FROM transfers WHERE state IN ('requested', 'executing')");
    return Number(rows[0]?.pending ?? 0);
  }

  async #one(sql: string, values: unknown[]): Promise<Transfer | undefined> {
    const { rows } = await this.#database.query(sql, values);
    return rows[0] ? transferFromRow(rows[0]) : undefined;
  }

  async #all(sql: string, values: unknown[]): Promise<Transfer[]> {
    const { rows } = await this.#database.query(sql, values);
    return rows.map(transferFromRow);
  }
}

/**
 * Every move sets the new state (parameter `$state`), bumps the version and stamps the
 * time; the move's `now` is the parameter just before the state's.
 */
function move(state: number): string {
  return `state = $${state}, version = version + 1, updated_at = $${state - 1}`;
}

/** A rule's check as a SQL condition on the `transfers` row; its values are appended to `values`. */
function condition(check: RuleCheck, now: Date, values: unknown[]): string {
  const parameter = (value: unknown) => `$${values.push(value)}`;
  switch (check.kind) {
    case 'max_amount':
      return `amount_cents <= ${parameter(check.cents)}`;
    case 'approval_threshold':
      return `needs_approval OR amount_cents < ${parameter(check.cents)}`;
    case 'confirm_window':
      return `requested_at > ${parameter(new Date(now.getTime() - check.ms))}`;
  }
}
