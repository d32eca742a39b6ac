import type { Migration } from './database.ts';

/**
 * Every SQLite schema step, in the order they are applied; a new step is appended, never
 * edited. Names carry the aggregate (`transfers-…`), so they never collide. Times are
 * epoch milliseconds where SQL compares them (transfers, outbox), ISO-8601 UTC text in
 * the audit log and reminders (one length, so they sort as the times they name).
 */
export const MIGRATIONS: readonly Migration[] = [
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
  {
    name: 'tsp-001-reminders',
    sql: `CREATE TABLE tsp_reminders (
      customer TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      scheduled_message_id TEXT NOT NULL,
      post_at TEXT NOT NULL
    );`,
  },
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
    name: 'alerts-001-outbox',
    sql: `CREATE TABLE alert_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      delivery_id TEXT UNIQUE,
      kind TEXT NOT NULL,
      route TEXT NOT NULL,
      event TEXT NOT NULL,
      old_user_name TEXT NOT NULL,
      new_user_name TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      attempts INTEGER NOT NULL DEFAULT 0,
      lease_owner TEXT,
      lease_until INTEGER,
      last_error TEXT,
      slack_ts TEXT,
      delivered_at INTEGER
    );
    CREATE INDEX alert_outbox_queue ON alert_outbox (status, route, id);
    CREATE INDEX alert_outbox_old_user ON alert_outbox (old_user_name, received_at);
    CREATE INDEX alert_outbox_new_user ON alert_outbox (new_user_name, received_at);`,
  },
  {
    // An event whose delivery id an earlier, different event already holds keeps that id
    // here (delivery_id stays unique), so that its own retries are still recognised.
    name: 'alerts-002-reused-delivery-ids',
    sql: `ALTER TABLE alert_outbox ADD COLUMN reused_delivery_id TEXT;
    CREATE INDEX alert_outbox_reused_delivery ON alert_outbox (reused_delivery_id) WHERE reused_delivery_id IS NOT NULL;`,
  },
  {
    // Treasury controls: two approvers, the resolution of unknown outcomes, the index the
    // daily limits sum over, and the freeze (one row per freeze, kept once lifted; the one
    // in force has no lifted_at).
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
  {
    // Nothing is ever deleted, so delivered rows pile up: `/healthz` (its query says
    // `status <> 'delivered'`, matching this index) reads only the rows still to deliver.
    name: 'alerts-003-undelivered',
    sql: `CREATE INDEX alert_outbox_undelivered ON alert_outbox (route, id) WHERE status <> 'delivered';`,
  },
  {
    // When an execution started, by the store's clock (here the one host's), for the lease
    // that declares it abandoned; and DART's answer when it came only after a treasurer had
    // resolved the unknown outcome (kept beside the resolution, never over it).
    name: 'transfers-004-execution-lease-and-late-answers',
    sql: `ALTER TABLE transfers ADD COLUMN started_at INTEGER;
    UPDATE transfers SET started_at = decided_at WHERE state = 'executing';
    ALTER TABLE transfers ADD COLUMN late_outcome TEXT CHECK (late_outcome IN ('succeeded', 'failed', 'unknown'));
    ALTER TABLE transfers ADD COLUMN late_detail TEXT;
    ALTER TABLE transfers ADD COLUMN late_at INTEGER;`,
  },
];
