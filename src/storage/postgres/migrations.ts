import type { PostgresMigration } from './migrate.ts';

/**
 * Every PostgreSQL schema step, in the order they are applied; a new step is appended,
 * never edited. The same tables as SQLite's, in PostgreSQL's own types: times are
 * `timestamptz`, amounts integer cents as `bigint` beside the canonical decimal text.
 *
 * Retention: nothing is ever deleted (history and audit promise the whole record); the
 * reads that must stay cheap at a year of traffic have indexes that do not grow with it:
 * the outbox queue and `/healthz` read a partial index of the rows not yet delivered,
 * history reads a customer's rows by time.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'audit-001-entries',
    sql: `CREATE TABLE audit_entries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      action text NOT NULL,
      customer text NOT NULL,
      requested_by text NOT NULL,
      confirmed_by text,
      sent jsonb NOT NULL,
      outcome text NOT NULL,
      dart_answer text,
      at timestamptz NOT NULL
    );
    CREATE INDEX audit_entries_customer_at ON audit_entries (customer, at DESC, id DESC);`,
  },
  {
    name: 'tsp-001-reminders',
    sql: `CREATE TABLE tsp_reminders (
      customer text PRIMARY KEY,
      channel text NOT NULL,
      scheduled_message_id text NOT NULL,
      post_at timestamptz NOT NULL
    );`,
  },
  {
    name: 'transfers-001-transfers',
    sql: `CREATE TABLE transfers (
      id text PRIMARY KEY,
      customer text NOT NULL,
      customer_name text NOT NULL,
      amount text NOT NULL,
      amount_cents bigint NOT NULL CHECK (amount_cents > 0),
      needs_approval boolean NOT NULL,
      state text NOT NULL CHECK (state IN ('requested', 'executing', 'succeeded', 'failed', 'unknown', 'cancelled', 'expired', 'void', 'refused')),
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      channel text,
      message_ts text,
      decided_by text,
      decided_at timestamptz,
      executor text,
      finished_at timestamptz,
      detail text,
      version integer NOT NULL DEFAULT 1,
      shown_version integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX transfers_open ON transfers (state, expires_at) WHERE state IN ('requested', 'executing');
    CREATE INDEX transfers_stale_messages ON transfers (updated_at) WHERE shown_version < version;`,
  },
  {
    name: 'alerts-001-outbox',
    sql: `CREATE TABLE alert_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      delivery_id text UNIQUE,
      -- An event whose delivery id an earlier, different event already holds keeps it here.
      reused_delivery_id text,
      kind text NOT NULL,
      route text NOT NULL,
      event jsonb NOT NULL,
      old_user_name text NOT NULL,
      new_user_name text NOT NULL,
      received_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      lease_owner text,
      lease_until timestamptz,
      last_error text,
      slack_ts text,
      delivered_at timestamptz
    );
    CREATE INDEX alert_outbox_undelivered ON alert_outbox (route, id) WHERE status <> 'delivered';
    CREATE INDEX alert_outbox_old_user ON alert_outbox (old_user_name, received_at DESC);
    CREATE INDEX alert_outbox_new_user ON alert_outbox (new_user_name, received_at DESC);
    CREATE INDEX alert_outbox_reused_delivery ON alert_outbox (reused_delivery_id) WHERE reused_delivery_id IS NOT NULL;`,
  },
  {
    // Treasury controls: two approvers, the resolution of unknown outcomes, the index the
    // daily limits sum over, and the freeze: one row per freeze, kept once lifted; the
    // unique partial index lets at most one be in force, whoever inserts at once.
    name: 'transfers-003-treasury-controls',
    sql: `ALTER TABLE transfers ADD COLUMN second_approval boolean NOT NULL DEFAULT false;
    ALTER TABLE transfers ADD COLUMN approved_by text;
    ALTER TABLE transfers ADD COLUMN approved_at timestamptz;
    ALTER TABLE transfers ADD COLUMN resolution text CHECK (resolution IN ('sent', 'not_sent'));
    ALTER TABLE transfers ADD COLUMN resolved_by text;
    ALTER TABLE transfers ADD COLUMN resolved_at timestamptz;
    ALTER TABLE transfers ADD COLUMN resolution_note text;
    CREATE INDEX transfers_started ON transfers (decided_at) WHERE decided_at IS NOT NULL;
    CREATE TABLE transfer_freezes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      frozen_by text NOT NULL,
      frozen_at timestamptz NOT NULL,
      reason text NOT NULL,
      lifted_by text,
      lifted_at timestamptz
    );
    CREATE UNIQUE INDEX transfer_freezes_in_force ON transfer_freezes ((lifted_at IS NULL)) WHERE lifted_at IS NULL;`,
  },
  {
    // When an execution started, by the database's clock (every instance's lease compares
    // against that one clock, never its own host's), and DART's answer when it came only
    // after a treasurer had resolved the unknown outcome (kept beside the resolution, never over it).
    name: 'transfers-004-execution-lease-and-late-answers',
    sql: `ALTER TABLE transfers ADD COLUMN started_at timestamptz;
    UPDATE transfers SET started_at = decided_at WHERE state = 'executing';
    ALTER TABLE transfers ADD COLUMN late_outcome text CHECK (late_outcome IN ('succeeded', 'failed', 'unknown'));
    ALTER TABLE transfers ADD COLUMN late_detail text;
    ALTER TABLE transfers ADD COLUMN late_at timestamptz;`,
  },
];
