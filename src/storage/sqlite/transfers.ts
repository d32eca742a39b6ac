import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { ExecutionRule, RuleCheck } from '../../transfers/execution-rules.ts';
import {
  ATTENTION_LISTED,
  type ExecutionMove,
  type NewTransfer,
  type Resolution,
  type Spent,
  type Transfer,
  type TransferOutcome,
  type TransferRepository,
  type Freeze,
} from '../../transfers/repository.ts';
import { freezeFromRow, settledTransferColumns, storedAmount, transferFromRow } from '../rows.ts';
import { placeholders, type Database } from './database.ts';

/** The transfers that count toward a daily limit (an unknown one may have moved the money), as a condition on alias `o`. */
const COUNTED = `(o.state IN ('executing', 'succeeded') OR (o.state = 'unknown' AND (o.resolution IS NULL OR o.resolution = 'sent')))`;

/** Posted and waiting for a click, not expired at the one parameter. */
const WAITING = `state = 'requested' AND expires_at > ? AND message_ts IS NOT NULL`;

/** What `/dart transfers` lists: waiting at the one parameter, or unknown and not resolved. */
const NEEDING_ATTENTION = `(${WAITING}) OR (state = 'unknown' AND resolution IS NULL)`;

/** Every move sets the new state, bumps the version and stamps the time. */
const MOVE = `state = ?, version = version + 1, updated_at = ?`;

/** `TransferRepository` on the embedded SQLite database: every move one `UPDATE … RETURNING`. */
export class SqliteTransferRepository implements TransferRepository {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async create(transfer: NewTransfer): Promise<Transfer> {
    const amount = storedAmount(transfer.amount);
    const row = this.#one(
      `INSERT INTO transfers (id, customer, customer_name, amount, amount_cents, needs_approval, second_approval, state, requested_by, requested_at, expires_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?) RETURNING *`,
      transfer.id,
      transfer.customer,
      transfer.customerName,
      amount.decimal,
      amount.cents,
      transfer.needsApproval || transfer.secondApproval ? 1 : 0,
      transfer.secondApproval ? 1 : 0,
      transfer.requestedBy,
      transfer.requestedAt.getTime(),
      transfer.expiresAt.getTime(),
      transfer.requestedAt.getTime(),
    );
    if (!row) throw new Error('inserting a transfer returned no row');
    return row;
  }

  async get(id: string): Promise<Transfer | undefined> {
    return this.#one('SELECT * FROM transfers WHERE id = ?', id);
  }

  async findByMessage(channel: string, ts: string): Promise<Transfer | undefined> {
    return this.#one('SELECT * FROM transfers WHERE channel = ? AND message_ts = ?', channel, ts);
  }

  async attachMessage(id: string, channel: string, ts: string): Promise<Transfer | undefined> {
    return this.#one(
      'UPDATE transfers SET channel = ?, message_ts = ?, shown_version = MAX(shown_version, 1) WHERE id = ? AND message_ts IS NULL RETURNING *',
      channel,
      ts,
      id,
    );
  }

  async discard(id: string): Promise<void> {
    this.#database.prepare("DELETE FROM transfers WHERE id = ? AND state = 'requested' AND message_ts IS NULL").run(id);
  }

  async voidUnposted(id: string, reason: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_at = ?, detail = ? WHERE id = ? AND state = 'requested' AND message_ts IS NULL RETURNING *`,
      'void',
      at,
      at,
      reason,
      id,
    );
  }

  async startExecution(
    id: string,
    { kind, actor, executor, now, message }: ExecutionMove,
    rules: readonly ExecutionRule[],
  ): Promise<Transfer | undefined> {
    const at = now.getTime();
    // Who may act is checked by callers too; repeating it here keeps the repository from ever breaking it.
    // With two approvers, only a second, different one moves it.
    const who =
      kind === 'confirm'
        ? { sql: 'needs_approval = 0 AND requested_by = ?', values: [actor] }
        : {
            sql: 'needs_approval = 1 AND requested_by <> ? AND (second_approval = 0 OR (approved_by IS NOT NULL AND approved_by <> ?))',
            values: [actor, actor],
          };
    const conditions = rules.map((rule) => condition(rule.check, now));
    // An immediate transaction, not a bare statement: the daily limits read other rows, and
    // the write lock taken first means no other process can move a transfer between that
    // read and this write. It is synchronous, so it never spans an await.
    return this.#database.transaction(() =>
      this.#one(
        // started_at: the lease in abandonExecutions compares against this same (one host's) clock.
        `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, executor = ?, started_at = ?
         WHERE id = ? AND state = 'requested' AND expires_at > ? AND channel = ? AND message_ts = ? AND ${who.sql}
         ${conditions.map((rule) => `AND (${rule.sql})`).join(' ')} RETURNING *`,
        'executing',
        at,
        actor,
        at,
        executor,
        at,
        id,
        at,
        message.channel,
        message.ts,
        ...who.values,
        ...conditions.flatMap((rule) => rule.values),
      ),
    );
  }

  async addApproval(id: string, { actor, now, message }: ExecutionMove, rules: readonly ExecutionRule[]): Promise<Transfer | undefined> {
    const at = now.getTime();
    const conditions = rules.map((rule) => condition(rule.check, now));
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = ?, approved_by = ?, approved_at = ?
       WHERE id = ? AND state = 'requested' AND second_approval = 1 AND approved_by IS NULL AND requested_by <> ?
       AND expires_at > ? AND channel = ? AND message_ts = ? ${conditions.map((rule) => `AND (${rule.sql})`).join(' ')} RETURNING *`,
      at,
      actor,
      at,
      id,
      actor,
      at,
      message.channel,
      message.ts,
      ...conditions.flatMap((rule) => rule.values),
    );
  }

  async resolve(id: string, { outcome, by, at, note }: Resolution): Promise<Transfer | undefined> {
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = ?, resolution = ?, resolved_by = ?, resolved_at = ?, resolution_note = ?
       WHERE id = ? AND state = 'unknown' AND resolution IS NULL RETURNING *`,
      at.getTime(),
      outcome,
      by,
      at.getTime(),
      note,
      id,
    );
  }

  async needingAttention(now: Date): Promise<Transfer[]> {
    return this.#all(
      `SELECT * FROM transfers WHERE ${NEEDING_ATTENTION} ORDER BY requested_at, id LIMIT ${ATTENTION_LISTED}`,
      now.getTime(),
    );
  }

  async countNeedingAttention(now: Date): Promise<number> {
    const row = this.#database.prepare(`SELECT COUNT(*) AS total FROM transfers WHERE ${NEEDING_ATTENTION}`).get(now.getTime());
    return Number(row?.total ?? 0);
  }

  async waiting(now: Date): Promise<Transfer[]> {
    return this.#all(`SELECT * FROM transfers WHERE ${WAITING} ORDER BY requested_at, id`, now.getTime());
  }

  async spentSince(since: Date, customers?: readonly string[]): Promise<Spent> {
    const row = this.#statement(
      `SELECT COALESCE(SUM(o.amount_cents), 0) AS cents, MIN(o.decided_at) AS oldest FROM transfers o WHERE o.decided_at > ? AND ${COUNTED} ${customers === undefined ? '' : 'AND o.customer IN (SELECT value FROM json_each(?))'}`,
    ).get(since.getTime(), ...(customers === undefined ? [] : [JSON.stringify(customers)]));
    const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : new Date(Number(row.oldest));
    return { cents: typeof row?.cents === 'bigint' ? row.cents : 0n, ...(oldest ? { oldest } : {}) };
  }

  async freeze({ by, at, reason }: Freeze): Promise<Freeze | undefined> {
    // One statement: of two treasurers freezing at once, one starts the freeze.
    const row = this.#database
      .prepare(
        `INSERT INTO transfer_freezes (frozen_by, frozen_at, reason) SELECT ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM transfer_freezes WHERE lifted_at IS NULL) RETURNING *`,
      )
      .get(by, at.getTime(), reason);
    return row ? freezeFromRow(row) : undefined;
  }

  async unfreeze(by: string, now: Date): Promise<Freeze | undefined> {
    const row = this.#database
      .prepare('UPDATE transfer_freezes SET lifted_by = ?, lifted_at = ? WHERE lifted_at IS NULL AND frozen_by <> ? RETURNING *')
      .get(by, now.getTime(), by);
    return row ? freezeFromRow(row) : undefined;
  }

  async currentFreeze(): Promise<Freeze | undefined> {
    const row = this.#database.prepare('SELECT * FROM transfer_freezes WHERE lifted_at IS NULL ORDER BY id LIMIT 1').get();
    return row ? freezeFromRow(row) : undefined;
  }

  async refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    const holds = condition(rule.check, now);
    return this.#database.transaction(() =>
      this.#one(
        `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, detail = ?
         WHERE id = ? AND state = 'requested' AND NOT (${holds.sql}) RETURNING *`,
        'refused',
        at,
        actor,
        at,
        rule.refusal,
        id,
        ...holds.values,
      ),
    );
  }

  async cancel(id: string, actor: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?
       WHERE id = ? AND state = 'requested' AND expires_at > ? RETURNING *`,
      'cancelled',
      at,
      actor,
      at,
      id,
      at,
    );
  }

  async expire(id: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_at = ? WHERE id = ? AND state = 'requested' AND expires_at <= ? RETURNING *`,
      'expired',
      at,
      at,
      id,
      at,
    );
  }

  async expireDue(now: Date): Promise<Transfer[]> {
    const at = now.getTime();
    return this.#all(
      `UPDATE transfers SET ${MOVE}, decided_at = ? WHERE state = 'requested' AND expires_at <= ? RETURNING *`,
      'expired',
      at,
      at,
      at,
    );
  }

  async finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    const finished = this.#one(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ?
       WHERE id = ? AND executor = ? AND (state = 'executing' OR (state = 'unknown' AND resolution IS NULL)) RETURNING *`,
      outcome,
      at,
      at,
      detail,
      id,
      executor,
    );
    // A resolution is final (resolve moves only an unresolved row), so this runs only when the one above could not.
    return (
      finished ??
      this.#one(
        `UPDATE transfers SET version = version + 1, updated_at = ?, late_outcome = ?, late_detail = ?, late_at = ?
         WHERE id = ? AND executor = ? AND state = 'unknown' AND resolution IS NOT NULL AND late_outcome IS NULL RETURNING *`,
        at,
        outcome,
        detail,
        at,
        id,
        executor,
      )
    );
  }

  async abandonExecutions(graceMs: number, detail: string, now: Date): Promise<Transfer[]> {
    const at = now.getTime();
    return this.#all(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ? WHERE state = 'executing' AND started_at <= ? RETURNING *`,
      'unknown',
      at,
      at,
      detail,
      at - graceMs,
    );
  }

  async markShown(id: string, version: number): Promise<void> {
    this.#database.prepare('UPDATE transfers SET shown_version = MAX(shown_version, ?) WHERE id = ?').run(version, id);
  }

  async withStaleMessages(quietSince: Date): Promise<Transfer[]> {
    return this.#all(
      'SELECT * FROM transfers WHERE shown_version < version AND message_ts IS NOT NULL AND updated_at <= ? ORDER BY updated_at LIMIT 50',
      quietSince.getTime(),
    );
  }

  async countPending(): Promise<number> {
    const row = this.#database.prepare("SELECT COUNT(*) AS pending FROM transfers WHERE state IN ('requested', 'executing')").get();
    return Number(row?.pending ?? 0);
  }

  async restore(transfers: readonly Transfer[]): Promise<void> {
    this.#database.transaction(() => {
      for (const transfer of transfers) {
        const columns = Object.entries(settledTransferColumns(transfer));
        this.#database
          .prepare(`INSERT INTO transfers (${columns.map(([name]) => name).join(', ')}) VALUES (${placeholders(columns.length)})`)
          // node:sqlite takes neither dates nor booleans: times are stored as epoch milliseconds, flags as 0/1.
          .run(
            ...columns.map(([, value]) => (value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : value)),
          );
      }
    });
  }

  #one(sql: string, ...values: SQLInputValue[]): Transfer | undefined {
    const row = this.#statement(sql).get(...values);
    return row ? transferFromRow(row) : undefined;
  }

  #all(sql: string, ...values: SQLInputValue[]): Transfer[] {
    return this.#statement(sql)
      .all(...values)
      .map(transferFromRow);
  }

  /** Integers read as bigint: cents and their sums reach past 2^53, which a JavaScript number cannot hold exactly. */
  #statement(sql: string): StatementSync {
    const statement = this.#database.prepare(sql);
    statement.setReadBigInts(true);
    return statement;
  }
}

/** A rule's check as a SQL condition on the `transfers` row; `?` placeholders take `values`, in order. */
function condition(check: RuleCheck, now: Date): { sql: string; values: SQLInputValue[] } {
  switch (check.kind) {
    case 'max_amount':
      return { sql: 'amount_cents <= ?', values: [check.cents] };
    case 'approval_threshold':
      return { sql: 'needs_approval = 1 OR amount_cents < ?', values: [check.cents] };
    case 'second_approval_threshold':
      return { sql: 'second_approval = 1 OR amount_cents < ?', values: [check.cents] };
    case 'confirm_window':
      return { sql: 'requested_at + ? > ?', values: [check.ms, now.getTime()] };
    case 'not_frozen':
      return { sql: 'NOT EXISTS (SELECT 1 FROM transfer_freezes WHERE lifted_at IS NULL)', values: [] };
    case 'not_acted_by': {
      const users = JSON.stringify(check.users);
      return {
        sql: 'requested_by NOT IN (SELECT value FROM json_each(?)) AND (approved_by IS NULL OR approved_by NOT IN (SELECT value FROM json_each(?)))',
        values: [users, users],
      };
    }
    case 'daily_limit': {
      const customer =
        check.scope === 'customer' ? 'AND (o.customer = transfers.customer OR o.customer IN (SELECT value FROM json_each(?)))' : '';
      return {
        sql: `amount_cents + (SELECT COALESCE(SUM(o.amount_cents), 0) FROM transfers o WHERE o.id <> transfers.id AND o.decided_at > ? AND ${COUNTED} ${customer}) <= ?`,
        values: [
          now.getTime() - check.windowMs,
          ...(check.scope === 'customer' ? [JSON.stringify(check.customers ?? [])] : []),
          check.cents,
        ],
      };
    }
  }
}
