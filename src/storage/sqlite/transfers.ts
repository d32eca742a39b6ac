import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { ExecutionRule, RuleCheck } from '../../transfers/execution-rules.ts';
import type {
  ExecutionMove,
  NewTransfer,
  Transfer,
  TransferOutcome,
  TransferRepository,
  TransferState,
} from '../../transfers/repository.ts';
import { parseDecimalAmount } from '../../util/money.ts';
import type { Database } from './database.ts';

/** Every move sets the new state, bumps the version and stamps the time. */
const MOVE = `state = ?, version = version + 1, updated_at = ?`;

/** `TransferRepository` on the embedded SQLite database: every move one `UPDATE … RETURNING`. */
export class SqliteTransferRepository implements TransferRepository {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async create(transfer: NewTransfer): Promise<Transfer> {
    const amount = parseDecimalAmount(transfer.amount);
    if (!amount.ok) throw new Error(`not a transfer amount: ${amount.reason}`);
    const row = this.#one(
      `INSERT INTO transfers (id, customer, customer_name, amount, amount_cents, needs_approval, state, requested_by, requested_at, expires_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?) RETURNING *`,
      transfer.id,
      transfer.customer,
      transfer.customerName,
      amount.decimal,
      amount.cents,
      transfer.needsApproval ? 1 : 0,
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
    const who = kind === 'confirm' ? 'needs_approval = 0 AND requested_by = ?' : 'needs_approval = 1 AND requested_by <> ?';
    const conditions = rules.map((rule) => condition(rule.check, now));
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, executor = ?
       WHERE id = ? AND state = 'requested' AND expires_at > ? AND channel = ? AND message_ts = ? AND ${who}
       ${conditions.map((rule) => `AND (${rule.sql})`).join(' ')} RETURNING *`,
      'executing',
      at,
      actor,
      at,
      executor,
      id,
      at,
      message.channel,
      message.ts,
      actor,
      ...conditions.flatMap((rule) => rule.values),
    );
  }

  async refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Promise<Transfer | undefined> {
    const at = now.getTime();
    const holds = condition(rule.check, now);
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, detail = ?
       WHERE id = ? AND state = 'requested' AND NOT (${holds.sql}) RETURNING *`,
      'refused',
      at,
      actor,
      at,
      rule.refusal,
      id,
      ...holds.values,
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
    return this.#one(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ?
       WHERE id = ? AND executor = ? AND state IN ('executing', 'unknown') RETURNING *`,
      outcome,
      at,
      at,
      detail,
      id,
      executor,
    );
  }

  async abandonExecutions(startedBy: Date, detail: string, now: Date): Promise<Transfer[]> {
    const at = now.getTime();
    return this.#all(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ? WHERE state = 'executing' AND decided_at <= ? RETURNING *`,
      'unknown',
      at,
      at,
      detail,
      startedBy.getTime(),
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

  #one(sql: string, ...values: SQLInputValue[]): Transfer | undefined {
    const row = this.#database.prepare(sql).get(...values);
    return row ? fromRow(row) : undefined;
  }

  #all(sql: string, ...values: SQLInputValue[]): Transfer[] {
    return this.#database
      .prepare(sql)
      .all(...values)
      .map(fromRow);
  }
}

/** A rule's check as a SQL condition on the `transfers` row; `?` placeholders take `values`, in order. */
function condition(check: RuleCheck, now: Date): { sql: string; values: SQLInputValue[] } {
  switch (check.kind) {
    case 'max_amount':
      return { sql: 'amount_cents <= ?', values: [check.cents] };
    case 'approval_threshold':
      return { sql: 'needs_approval = 1 OR amount_cents < ?', values: [check.cents] };
    case 'confirm_window':
      return { sql: 'requested_at + ? > ?', values: [check.ms, now.getTime()] };
  }
}

type Row = Record<string, SQLOutputValue>;

function fromRow(row: Row): Transfer {
  const text = (name: string) => (row[name] === null || row[name] === undefined ? undefined : String(row[name]));
  const time = (name: string) => (row[name] === null || row[name] === undefined ? undefined : new Date(Number(row[name])));
  return {
    id: String(row.id),
    customer: String(row.customer),
    customerName: String(row.customer_name),
    amount: String(row.amount),
    needsApproval: Number(row.needs_approval) === 1,
    state: String(row.state) as TransferState,
    requestedBy: String(row.requested_by),
    requestedAt: new Date(Number(row.requested_at)),
    expiresAt: new Date(Number(row.expires_at)),
    ...optional('channel', text('channel')),
    ...optional('messageTs', text('message_ts')),
    ...optional('decidedBy', text('decided_by')),
    ...optional('decidedAt', time('decided_at')),
    ...optional('executor', text('executor')),
    ...optional('finishedAt', time('finished_at')),
    ...optional('detail', text('detail')),
    version: Number(row.version),
    shownVersion: Number(row.shown_version),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** `{ key: value }`, or nothing when the value is absent, so optional fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
