import type { ExecutionRule, RuleCheck } from '../../transfers/execution-rules.ts';
import {
  ATTENTION_LISTED,
  type ExecutionMove,
  type Freeze,
  type NewTransfer,
  type Resolution,
  type Spent,
  type Transfer,
  type TransferOutcome,
  type TransferRepository,
} from '../../transfers/repository.ts';
import { freezeFromRow, settledTransferColumns, storedAmount, transferFromRow } from '../rows.ts';
import type { PostgresDatabase } from './pool.ts';

/**
 * The transaction-level advisory lock every move to executing takes first ("transfer" in
 * ASCII): the daily limits sum other rows, which a row lock does not protect, so moves are
 * made one at a time; each then reads the sums afresh (READ COMMITTED takes a new snapshot
 * per statement), with every earlier move committed.
 */
const EXECUTION_LOCK = 0x74_72_61_6e_73_66_65_72n;

/** The transfers that count toward a daily limit (an unknown one may have moved the money), as a condition on alias `o`. */
const COUNTED = `(o.state IN ('executing', 'succeeded') OR (o.state = 'unknown' AND (o.resolution IS NULL OR o.resolution = 'sent')))`;

/** Posted and waiting for a click, not expired at `$1`. */
const WAITING = `state = 'requested' AND expires_at > $1 AND message_ts IS NOT NULL`;

/** What `/dart transfers` lists: waiting at `$1`, or unknown and not resolved. */
const NEEDING_ATTENTION = `(${WAITING}) OR (state = 'unknown' AND resolution IS NULL)`;

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
    const amount = storedAmount(transfer.amount);
    const row = await this.#one(
      `INSERT INTO transfers (id, customer, customer_name, amount, amount_cents, needs_approval, second_approval, state, requested_by, requested_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $10, 'requested', $7, $8, $9, $8) RETURNING *`,
      [
        transfer.id,
        transfer.customer,
        transfer.customerName,
        amount.decimal,
        amount.cents,
        transfer.needsApproval || Boolean(transfer.secondApproval),
        transfer.requestedBy,
        transfer.requestedAt,
        transfer.expiresAt,
        Boolean(transfer.secondApproval),
      ],
    );
    if (!row) throw new Error('inserting a transfer returned no row');
    return row;
  }

  async get(id: string): Promise<Transfer | undefined> {
    return this.#one('SELECT * FROM transfers WHERE id = $1', [id]);
  }

  async findByMessage(channel: string, ts: string): Promise<Transfer | undefined> {
    return this.#one('SELECT * FROM transfers WHERE channel = $1 AND message_ts = $2', [channel, ts]);
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

  async startExecution(
    id: string,
    { kind, actor, executor, now, message }: ExecutionMove,
    rules: readonly ExecutionRule[],
  ): Promise<Transfer | undefined> {
    const values: unknown[] = [id, now, 'executing', actor, executor, message.channel, message.ts];
    // Who may act is checked by callers too; repeating it here keeps the repository from ever breaking it.
    // With two approvers, only a second, different one moves it.
    const who =
      kind === 'confirm'
        ? 'NOT needs_approval AND requested_by = $4'
        : 'needs_approval AND requested_by <> $4 AND (NOT second_approval OR (approved_by IS NOT NULL AND approved_by <> $4))';
    const conditions = rules.map((rule) => `AND (${condition(rule.check, now, values)})`).join(' ');
    return this.#serialized(
      // started_at by the database's clock: the lease in abandonExecutions compares against the same clock.
      `UPDATE transfers SET ${move(3)}, decided_by = $4, decided_at = $2, executor = $5, started_at = clock_timestamp()
       WHERE id = $1 AND state = 'requested' AND expires_at > $2 AND channel = $6 AND message_ts = $7 AND ${who} ${conditions} RETURNING *`,
      values,
    );
  }

  async addApproval(id: string, { actor, now, message }: ExecutionMove, rules: readonly ExecutionRule[]): Promise<Transfer | undefined> {
    const values: unknown[] = [id, now, actor, message.channel, message.ts];
    const conditions = rules.map((rule) => `AND (${condition(rule.check, now, values)})`).join(' ');
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = $2, approved_by = $3, approved_at = $2
       WHERE id = $1 AND state = 'requested' AND second_approval AND approved_by IS NULL AND requested_by <> $3
       AND expires_at > $2 AND channel = $4 AND message_ts = $5 ${conditions} RETURNING *`,
      values,
    );
  }

  async resolve(id: string, { outcome, by, at, note }: Resolution): Promise<Transfer | undefined> {
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = $2, resolution = $3, resolved_by = $4, resolved_at = $2, resolution_note = $5
       WHERE id = $1 AND state = 'unknown' AND resolution IS NULL RETURNING *`,
      [id, at, outcome, by, note],
    );
  }

  async needingAttention(now: Date): Promise<Transfer[]> {
    return this.#all(`SELECT * FROM transfers WHERE ${NEEDING_ATTENTION} ORDER BY requested_at, id LIMIT ${ATTENTION_LISTED}`, [now]);
  }

  async countNeedingAttention(now: Date): Promise<number> {
    const { rows } = await this.#database.query<{ total: string }>(`SELECT count(*) AS total FROM transfers WHERE ${NEEDING_ATTENTION}`, [
      now,
    ]);
    return Number(rows[0]?.total ?? 0);
  }

  async waiting(now: Date): Promise<Transfer[]> {
    return this.#all(`SELECT * FROM transfers WHERE ${WAITING} ORDER BY requested_at, id`, [now]);
  }

  async spentSince(since: Date, customers?: readonly string[]): Promise<Spent> {
    const { rows } = await this.#database.query<{ cents: string; oldest: Date | null }>(
      `SELECT COALESCE(SUM(o.amount_cents), 0)::text AS cents, MIN(o.decided_at) AS oldest FROM transfers o
       WHERE o.decided_at > $1 AND ${COUNTED} ${customers === undefined ? '' : 'AND o.customer = ANY($2::text[])'}`,
      customers === undefined ? [since] : [since, customers],
    );
    const oldest = rows[0]?.oldest ?? undefined;
    return { cents: BigInt(rows[0]?.cents ?? '0'), ...(oldest ? { oldest } : {}) };
  }

  async freeze({ by, at, reason }: Freeze): Promise<Freeze | undefined> {
    // The unique index on the freeze in force turns a second one, concurrent or not, into no row.
    const { rows } = await this.#database.query(
      'INSERT INTO transfer_freezes (frozen_by, frozen_at, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING *',
      [by, at, reason],
    );
    return rows[0] ? freezeFromRow(rows[0]) : undefined;
  }

  async unfreeze(by: string, now: Date): Promise<Freeze | undefined> {
    const { rows } = await this.#database.query(
      'UPDATE transfer_freezes SET lifted_by = $1, lifted_at = $2 WHERE lifted_at IS NULL AND frozen_by <> $1 RETURNING *',
      [by, now],
    );
    return rows[0] ? freezeFromRow(rows[0]) : undefined;
  }

  async currentFreeze(): Promise<Freeze | undefined> {
    const { rows } = await this.#database.query('SELECT * FROM transfer_freezes WHERE lifted_at IS NULL');
    return rows[0] ? freezeFromRow(rows[0]) : undefined;
  }

  async refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Promise<Transfer | undefined> {
    const values: unknown[] = [id, now, 'refused', actor, rule.refusal];
    const holds = condition(rule.check, now, values);
    return this.#serialized(
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
    return this.#one(
      `UPDATE transfers SET ${move(3)}, decided_at = $2 WHERE id = $1 AND state = 'requested' AND expires_at <= $2 RETURNING *`,
      [id, now, 'expired'],
    );
  }

  async expireDue(now: Date): Promise<Transfer[]> {
    return this.#all(`UPDATE transfers SET ${move(2)}, decided_at = $1 WHERE state = 'requested' AND expires_at <= $1 RETURNING *`, [
      now,
      'expired',
    ]);
  }

  async finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Promise<Transfer | undefined> {
    const finished = await this.#one(
      `UPDATE transfers SET ${move(3)}, finished_at = $2, detail = $5
       WHERE id = $1 AND executor = $4 AND (state = 'executing' OR (state = 'unknown' AND resolution IS NULL)) RETURNING *`,
      [id, now, outcome, executor, detail],
    );
    // A resolution is final (resolve moves only an unresolved row), so this runs only when the one above could not.
    return (
      finished ??
      this.#one(
        `UPDATE transfers SET version = version + 1, updated_at = $2, late_outcome = $3, late_detail = $5, late_at = $2
         WHERE id = $1 AND executor = $4 AND state = 'unknown' AND resolution IS NOT NULL AND late_outcome IS NULL RETURNING *`,
        [id, now, outcome, executor, detail],
      )
    );
  }

  async abandonExecutions(graceMs: number, detail: string, now: Date): Promise<Transfer[]> {
    return this.#all(
      `UPDATE transfers SET ${move(2)}, finished_at = $1, detail = $3
       WHERE state = 'executing' AND started_at <= clock_timestamp() - make_interval(secs => $4::double precision / 1000) RETURNING *`,
      [now, 'unknown', detail, graceMs],
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
    const { rows } = await this.#database.query<{ pending: string }>(
      "SELECT count(*) AS pending FROM transfers WHERE state IN ('requested', 'executing')",
    );
    return Number(rows[0]?.pending ?? 0);
  }

  async restore(transfers: readonly Transfer[]): Promise<void> {
    await this.#database.transaction(async (client) => {
      for (const transfer of transfers) {
        const columns = Object.entries(settledTransferColumns(transfer));
        await client.query(
          `INSERT INTO transfers (${columns.map(([name]) => name).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
          columns.map(([, value]) => value),
        );
      }
    });
  }

  /** One statement after the execution lock, in its own transaction: no other move to executing runs beside it. */
  async #serialized(sql: string, values: unknown[]): Promise<Transfer | undefined> {
    return this.#database.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [EXECUTION_LOCK]);
      const { rows } = await client.query(sql, values);
      return rows[0] ? transferFromRow(rows[0]) : undefined;
    });
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
    case 'second_approval_threshold':
      return `second_approval OR amount_cents < ${parameter(check.cents)}`;
    case 'not_frozen':
      return 'NOT EXISTS (SELECT 1 FROM transfer_freezes WHERE lifted_at IS NULL)';
    case 'not_acted_by': {
      const users = parameter(check.users);
      return `requested_by <> ALL(${users}::text[]) AND (approved_by IS NULL OR approved_by <> ALL(${users}::text[]))`;
    }
    case 'daily_limit': {
      const customer =
        check.scope === 'customer'
          ? `AND (o.customer = transfers.customer OR o.customer = ANY(${parameter(check.customers ?? [])}::text[]))`
          : '';
      const since = parameter(new Date(now.getTime() - check.windowMs));
      return `amount_cents + (SELECT COALESCE(SUM(o.amount_cents), 0) FROM transfers o WHERE o.id <> transfers.id AND o.decided_at > ${since} AND ${COUNTED} ${customer}) <= ${parameter(check.cents)}`;
    }
  }
}
