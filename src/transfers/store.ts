import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { Database, Migration } from '../store/database.ts';
import { parseDecimalAmount } from '../util/money.ts';
import type { ExecutionRule, RuleCheck } from './execution-rules.ts';

/**
 * Where a transfer stands. `requested` waits for a click; `executing` means one app
 * instance has won the right to call DART; the others are final. `void`: its confirmation
 * was never recorded (Slack did not confirm the post), so no click on it can be used;
 * `refused`: a rule checked at execution (a limit tightened since the request) refused it.
 */
export type TransferState = 'requested' | 'executing' | 'succeeded' | 'failed' | 'unknown' | 'cancelled' | 'expired' | 'void' | 'refused';

/** The final states an execution can end in. */
export type TransferOutcome = Extract<TransferState, 'succeeded' | 'failed' | 'unknown'>;

/** One transfer as stored: what was asked, who did what when, and where its message is. */
export interface Transfer {
  id: string;
  /** The DART user name (`userId` in the DART call). */
  customer: string;
  /** The customer's full name as DART gave it when the transfer was requested. */
  customerName: string;
  /** The decimal string sent to DART, e.g. `"50.00"`. */
  amount: string;
  /** True when a second treasurer must approve (amount at or above the threshold). */
  needsApproval: boolean;
  /** True when two treasurers, neither the requester, must approve (at or above TRANSFER_SECOND_APPROVAL_THRESHOLD). */
  secondApproval: boolean;
  /** The first of two approvals, once given; the second is `decidedBy`. */
  approvedBy?: string;
  approvedAt?: Date;
  /** How a treasurer closed out an `unknown` outcome after checking DART. */
  resolution?: Resolution;
  state: TransferState;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  /** The confirmation message, once posted. */
  channel?: string;
  messageTs?: string;
  /** Who confirmed, approved, cancelled or was refused, and when (for `expired` and `void`, only when). */
  decidedBy?: string;
  decidedAt?: Date;
  /** The app instance that won the move to `executing` and is calling DART. */
  executor?: string;
  finishedAt?: Date;
  /** DART's answer, why the outcome is unknown, or why it was voided or refused. */
  detail?: string;
  /** Bumped by every move; the message shows `shownVersion`, so a lag can be repaired. */
  version: number;
  shownVersion: number;
  updatedAt: Date;
}

/** What a treasurer found in DART about a transfer whose outcome was unknown. */
export interface Resolution {
  outcome: 'sent' | 'not_sent';
  by: string;
  at: Date;
  /** What was checked in DART (never empty). */
  note: string;
}

/** The stop on all money movement, while it lasts. */
export interface Freeze {
  by: string;
  at: Date;
  reason: string;
}

/** What is needed to record a new request. */
export interface NewTransfer {
  id: string;
  customer: string;
  customerName: string;
  amount: string;
  needsApproval: boolean;
  /** Two approvers (implies `needsApproval`). */
  secondApproval: boolean;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
}

/** What went out in a rolling window: the counted cents, and when the oldest counted transfer started (it frees up 24 hours later). */
export interface Spent {
  cents: bigint;
  oldest?: Date;
}

/**
 * The transfers' persistence. Every move is one compare-and-set statement that names the
 * state it moves from, so of any number of concurrent callers (clicks, retries, app
 * instances on one database) exactly one gets the row back and every other gets
 * `undefined`.
 */
export interface TransferStore {
  create(transfer: NewTransfer): Transfer;
  get(id: string): Transfer | undefined;
  /**
   * Records where the confirmation was posted (and that it shows the first version), once:
   * returns the row, which may meanwhile have become `void`, or undefined if already recorded.
   */
  attachMessage(id: string, channel: string, ts: string): Transfer | undefined;
  /** Forgets a request whose confirmation Slack refused to post, so nobody could have seen it. */
  discard(id: string): void;
  /** requested → void, while no message is recorded: whatever Slack shows for it can never be used. */
  voidUnposted(id: string, reason: string, now: Date): Transfer | undefined;
  /**
   * requested → executing, if not expired at `now`, clicked on the very message recorded for
   * it, `actor` may (a `confirm` only by the requester of a transfer requested below the
   * threshold, an `approve` only by someone else on one at or above it), and every one of
   * `rules` holds, all in one statement.
   */
  startExecution(id: string, move: ExecutionMove, rules: readonly ExecutionRule[]): Transfer | undefined;
  /**
   * The first of two approvals: requested → requested with `approvedBy`, if the transfer
   * needs two approvers, has none yet, `move.actor` is not its requester, it is not expired,
   * the click is on its recorded message, and every one of `rules` holds, in one statement.
   */
  addApproval(id: string, move: ExecutionMove, rules: readonly ExecutionRule[]): Transfer | undefined;
  /** unknown → unknown with `resolution`, once: undefined when it is not unknown or already resolved. Nothing else changes. */
  resolve(id: string, resolution: Resolution): Transfer | undefined;
  /** Transfers waiting for a click (not expired at `now`, posted) and unknown ones not resolved, oldest request first (at most 40). */
  needingAttention(now: Date): Transfer[];
  /** What counts toward the daily limits since `since`, for one customer or (without) all. */
  spentSince(since: Date, customer?: string): Spent;
  /** Starts a freeze unless one is in force: returns it, or undefined when already frozen. */
  freeze(freeze: Freeze): Freeze | undefined;
  /** Lifts the freeze in force, if `by` is not who set it: returns the lifted freeze, or undefined. */
  unfreeze(by: string, now: Date): Freeze | undefined;
  /** The freeze in force, if any. */
  currentFreeze(): Freeze | undefined;
  /** requested → refused, if `rule` does not hold now; `actor` is who clicked. */
  refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Transfer | undefined;
  /** requested → cancelled, if not expired at `now`. */
  cancel(id: string, actor: string, now: Date): Transfer | undefined;
  /** requested → expired, for this transfer if it is due, or every due one. */
  expire(id: string, now: Date): Transfer | undefined;
  expireDue(now: Date): Transfer[];
  /**
   * executing → outcome, by the executor that started it. It may also replace an
   * `unknown` that a lapsed lease produced, since this executor now knows the answer.
   */
  finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Transfer | undefined;
  /** executing → unknown for every execution started at or before `startedBy` (its process is gone). */
  abandonExecutions(startedBy: Date, detail: string, now: Date): Transfer[];
  /** The message now shows `version` (never moves backwards). */
  markShown(id: string, version: number): void;
  /** Transfers whose message lags behind, left untouched since `quietSince`. */
  withStaleMessages(quietSince: Date): Transfer[];
  /** How many wait for a click or for DART's answer (`requested`, `executing`), for metrics. */
  countPending(): number;
}

/** A click that asks to move a transfer to executing. */
export interface ExecutionMove {
  kind: 'confirm' | 'approve';
  actor: string;
  executor: string;
  now: Date;
  /** The message the click came from, as Slack says. */
  message: { channel: string; ts: string };
}

/** The transfers table: one row a transfer, times as epoch milliseconds so they compare as numbers. */
export const TRANSFER_MIGRATIONS: Migration[] = [
  {
    name: 'transfers-001-transfers',
    sql: `CREATE TABLE transfers (
      id TEXT PRIMARY KEY,
      customer TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      amount TEXT NOT NULL,
      needs_approval INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('requested', 'executing', 'succeeded', 'failed', 'unknown', 'cancelled', 'expired')),
      requested_by TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      channel TEXT,
      message_ts TEXT,
      decided_by TEXT,
      decided_at INTEGER,
      executor TEXT,
      finished_at INTEGER,
      detail TEXT,
      version INTEGER NOT NULL DEFAULT 1,
      shown_version INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX transfers_open ON transfers (state, expires_at);`,
  },
  {
    // Adds the void and refused states, and the amount in integer cents so that limits are
    // compared in SQL exactly. Stored amounts are canonical (`50.00`), so dropping the point gives cents.
    name: 'transfers-002-void-refused-cents',
    sql: `CREATE TABLE transfers_next (
      id TEXT PRIMARY KEY,
      customer TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      amount TEXT NOT NULL,
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
      needs_approval INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('requested', 'executing', 'succeeded', 'failed', 'unknown', 'cancelled', 'expired', 'void', 'refused')),
      requested_by TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      channel TEXT,
      message_ts TEXT,
      decided_by TEXT,
      decided_at INTEGER,
      executor TEXT,
      finished_at INTEGER,
      detail TEXT,
      version INTEGER NOT NULL DEFAULT 1,
      shown_version INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );
    INSERT INTO transfers_next
      SELECT id, customer, customer_name, amount, CAST(REPLACE(amount, '.', '') AS INTEGER), needs_approval, state, requested_by,
        requested_at, expires_at, channel, message_ts, decided_by, decided_at, executor, finished_at, detail, version, shown_version, updated_at
      FROM transfers;
    DROP TABLE transfers;
    ALTER TABLE transfers_next RENAME TO transfers;
    CREATE INDEX transfers_open ON transfers (state, expires_at);`,
  },
  {
    // Two approvers, the resolution of unknown outcomes, and the freeze (one row per
    // freeze, kept after it is lifted; the one in force has no lifted_at).
    name: 'transfers-003-treasury-controls',
    sql: `ALTER TABLE transfers ADD COLUMN second_approval INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE transfers ADD COLUMN approved_by TEXT;
    ALTER TABLE transfers ADD COLUMN approved_at INTEGER;
    ALTER TABLE transfers ADD COLUMN resolution TEXT CHECK (resolution IN ('sent', 'not_sent'));
    ALTER TABLE transfers ADD COLUMN resolved_by TEXT;
    ALTER TABLE transfers ADD COLUMN resolved_at INTEGER;
    ALTER TABLE transfers ADD COLUMN resolution_note TEXT;
    CREATE INDEX transfers_started ON transfers (decided_at);
    CREATE TABLE transfer_freezes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      frozen_by TEXT NOT NULL,
      frozen_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      lifted_by TEXT,
      lifted_at INTEGER
    );`,
  },
];

/** The transfers that count toward a daily limit (an unknown one may have moved the money), as a condition on alias `o`. */
const COUNTED = `(o.state IN ('executing', 'succeeded') OR (o.state = 'unknown' AND (o.resolution IS NULL OR o.resolution = 'sent')))`;

/** Every move sets the new state, bumps the version and stamps the time. */
const MOVE = `state = ?, version = version + 1, updated_at = ?`;

/** `TransferStore` on the embedded SQLite database. */
export class SqliteTransferStore implements TransferStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  create(transfer: NewTransfer): Transfer {
    const amount = parseDecimalAmount(transfer.amount);
    if (!amount.ok) throw new Error(`not a transfer amount: ${amount.reason}`);
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

  get(id: string): Transfer | undefined {
    return this.#one('SELECT * FROM transfers WHERE id = ?', id);
  }

  attachMessage(id: string, channel: string, ts: string): Transfer | undefined {
    return this.#one(
      'UPDATE transfers SET channel = ?, message_ts = ?, shown_version = MAX(shown_version, 1) WHERE id = ? AND message_ts IS NULL RETURNING *',
      channel, ts, id,
    );
  }

  discard(id: string): void {
    this.#database.sqlite.prepare("DELETE FROM transfers WHERE id = ? AND state = 'requested' AND message_ts IS NULL").run(id);
  }

  voidUnposted(id: string, reason: string, now: Date): Transfer | undefined {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_at = ?, detail = ? WHERE id = ? AND state = 'requested' AND message_ts IS NULL RETURNING *`,
      'void', at, at, reason, id,
    );
  }

  startExecution(id: string, { kind, actor, executor, now, message }: ExecutionMove, rules: readonly ExecutionRule[]): Transfer | undefined {
    const at = now.getTime();
    // Who may act is checked by callers too; repeating it here keeps the store from ever breaking it.
    // With two approvers, only a second, different one moves it.
    const who =
      kind === 'confirm'
        ? { sql: 'needs_approval = 0 AND requested_by = ?', values: [actor] }
        : { sql: 'needs_approval = 1 AND requested_by <> ? AND (second_approval = 0 OR (approved_by IS NOT NULL AND approved_by <> ?))', values: [actor, actor] };
    const conditions = rules.map((rule) => condition(rule.check, now));
    // An immediate transaction, not a bare statement: the daily limits read other rows, and
    // the write lock taken first means no other process can move a transfer between that
    // read and this write. It is synchronous, so it never spans an await.
    return this.#database.transaction(() =>
      this.#one(
        `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, executor = ?
         WHERE id = ? AND state = 'requested' AND expires_at > ? AND channel = ? AND message_ts = ? AND ${who.sql}
         ${conditions.map((rule) => `AND (${rule.sql})`).join(' ')} RETURNING *`,
        'executing', at, actor, at, executor, id, at, message.channel, message.ts, ...who.values,
        ...conditions.flatMap((rule) => rule.values),
      ),
    );
  }

  addApproval(id: string, { actor, now, message }: ExecutionMove, rules: readonly ExecutionRule[]): Transfer | undefined {
    const at = now.getTime();
    const conditions = rules.map((rule) => condition(rule.check, now));
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = ?, approved_by = ?, approved_at = ?
       WHERE id = ? AND state = 'requested' AND second_approval = 1 AND approved_by IS NULL AND requested_by <> ?
       AND expires_at > ? AND channel = ? AND message_ts = ? ${conditions.map((rule) => `AND (${rule.sql})`).join(' ')} RETURNING *`,
      at, actor, at, id, actor, at, message.channel, message.ts, ...conditions.flatMap((rule) => rule.values),
    );
  }

  resolve(id: string, { outcome, by, at, note }: Resolution): Transfer | undefined {
    return this.#one(
      `UPDATE transfers SET version = version + 1, updated_at = ?, resolution = ?, resolved_by = ?, resolved_at = ?, resolution_note = ?
       WHERE id = ? AND state = 'unknown' AND resolution IS NULL RETURNING *`,
      at.getTime(), outcome, by, at.getTime(), note, id,
    );
  }

  needingAttention(now: Date): Transfer[] {
    return this.#all(
      `SELECT * FROM transfers WHERE (state = 'requested' AND expires_at > ? AND message_ts IS NOT NULL) OR (state = 'unknown' AND resolution IS NULL)
       ORDER BY requested_at, id LIMIT 40`,
      now.getTime(),
    );
  }

  spentSince(since: Date, customer?: string): Spent {
    const row = this.#database.sqlite
      .prepare(`SELECT COALESCE(SUM(o.amount_cents), 0) AS cents, MIN(o.decided_at) AS oldest FROM transfers o WHERE o.decided_at > ? AND ${COUNTED} ${customer === undefined ? '' : 'AND o.customer = ?'}`)
      .get(since.getTime(), ...(customer === undefined ? [] : [customer]));
    const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : new Date(Number(row.oldest));
    return { cents: BigInt(Number(row?.cents ?? 0)), ...(oldest ? { oldest } : {}) };
  }

  freeze({ by, at, reason }: Freeze): Freeze | undefined {
    // One statement: of two treasurers freezing at once, one starts the freeze.
    const row = this.#database.sqlite
      .prepare(
        `INSERT INTO transfer_freezes (frozen_by, frozen_at, reason) SELECT ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM transfer_freezes WHERE lifted_at IS NULL) RETURNING *`,
      )
      .get(by, at.getTime(), reason);
    return row ? freezeFromRow(row) : undefined;
  }

  unfreeze(by: string, now: Date): Freeze | undefined {
    const row = this.#database.sqlite
      .prepare('UPDATE transfer_freezes SET lifted_by = ?, lifted_at = ? WHERE lifted_at IS NULL AND frozen_by <> ? RETURNING *')
      .get(by, now.getTime(), by);
    return row ? freezeFromRow(row) : undefined;
  }

  currentFreeze(): Freeze | undefined {
    const row = this.#database.sqlite.prepare('SELECT * FROM transfer_freezes WHERE lifted_at IS NULL ORDER BY id LIMIT 1').get();
    return row ? freezeFromRow(row) : undefined;
  }

  refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Transfer | undefined {
    const at = now.getTime();
    const holds = condition(rule.check, now);
    return this.#database.transaction(() =>
      this.#one(
        `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?, detail = ?
         WHERE id = ? AND state = 'requested' AND NOT (${holds.sql}) RETURNING *`,
        'refused', at, actor, at, rule.refusal, id, ...holds.values,
      ),
    );
  }

  cancel(id: string, actor: string, now: Date): Transfer | undefined {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_by = ?, decided_at = ?
       WHERE id = ? AND state = 'requested' AND expires_at > ? RETURNING *`,
      'cancelled', at, actor, at, id, at,
    );
  }

  expire(id: string, now: Date): Transfer | undefined {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, decided_at = ? WHERE id = ? AND state = 'requested' AND expires_at <= ? RETURNING *`,
      'expired', at, at, id, at,
    );
  }

  expireDue(now: Date): Transfer[] {
    const at = now.getTime();
    return this.#all(
      `UPDATE transfers SET ${MOVE}, decided_at = ? WHERE state = 'requested' AND expires_at <= ? RETURNING *`,
      'expired', at, at, at,
    );
  }

  finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Transfer | undefined {
    const at = now.getTime();
    return this.#one(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ?
       WHERE id = ? AND executor = ? AND state IN ('executing', 'unknown') RETURNING *`,
      outcome, at, at, detail, id, executor,
    );
  }

  abandonExecutions(startedBy: Date, detail: string, now: Date): Transfer[] {
    const at = now.getTime();
    return this.#all(
      `UPDATE transfers SET ${MOVE}, finished_at = ?, detail = ? WHERE state = 'executing' AND decided_at <= ? RETURNING *`,
      'unknown', at, at, detail, startedBy.getTime(),
    );
  }

  markShown(id: string, version: number): void {
    this.#database.sqlite.prepare('UPDATE transfers SET shown_version = MAX(shown_version, ?) WHERE id = ?').run(version, id);
  }

  withStaleMessages(quietSince: Date): Transfer[] {
    return this.#all(
      'SELECT * FROM transfers WHERE shown_version < version AND message_ts IS NOT NULL AND updated_at <= ? ORDER BY updated_at LIMIT 50',
      quietSince.getTime(),
    );
  }

  countPending(): number {
    const row = this.#database.sqlite.prepare("SELECT COUNT(*) AS pending FROM transfers WHERE state IN ('requested', 'executing')").get();
    return Number(row?.pending ?? 0);
  }

  #one(sql: string, ...values: SQLInputValue[]): Transfer | undefined {
    const row = this.#database.sqlite.prepare(sql).get(...values);
    return row ? fromRow(row) : undefined;
  }

  #all(sql: string, ...values: SQLInputValue[]): Transfer[] {
    return this.#database.sqlite.prepare(sql).all(...values).map(fromRow);
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
    case 'daily_limit': {
      const customer = check.scope === 'customer' ? 'AND o.customer = transfers.customer' : '';
      return {
        sql: `amount_cents + (SELECT COALESCE(SUM(o.amount_cents), 0) FROM transfers o WHERE o.id <> transfers.id AND o.decided_at > ? AND ${COUNTED} ${customer}) <= ?`,
        values: [now.getTime() - check.windowMs, check.cents],
      };
    }
  }
}

type Row = Record<string, SQLOutputValue>;

function freezeFromRow(row: Row): Freeze {
  return { by: String(row.frozen_by), at: new Date(Number(row.frozen_at)), reason: String(row.reason) };
}

function fromRow(row: Row): Transfer {
  const text = (name: string) => (row[name] === null || row[name] === undefined ? undefined : String(row[name]));
  const time = (name: string) => (row[name] === null || row[name] === undefined ? undefined : new Date(Number(row[name])));
  return {
    id: String(row.id),
    customer: String(row.customer),
    customerName: String(row.customer_name),
    amount: String(row.amount),
    needsApproval: Number(row.needs_approval) === 1,
    secondApproval: Number(row.second_approval) === 1,
    ...optional('approvedBy', text('approved_by')),
    ...optional('approvedAt', time('approved_at')),
    ...optional('resolution', resolutionOf(row)),
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

function resolutionOf(row: Row): Resolution | undefined {
  if (row.resolution !== 'sent' && row.resolution !== 'not_sent') return undefined;
  return { outcome: row.resolution, by: String(row.resolved_by), at: new Date(Number(row.resolved_at)), note: String(row.resolution_note) };
}

/** `{ key: value }`, or nothing when the value is absent, so optional fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
