import type { Database, Migration } from '../store/database.ts';
import type { AlertEvent } from './schemas.ts';

/** Which configured channel an event goes to; resolved to a channel id at delivery time. */
export type AlertRoute = 'alerts' | 'withdrawals';

/** pending: waiting for Slack (possibly leased by a worker); delivered: posted; dead: Slack refused it for good. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** One stored webhook event and where its delivery stands. */
export interface StoredAlert {
  id: number;
  event: AlertEvent;
  route: AlertRoute;
  receivedAt: Date;
  status: OutboxStatus;
  attempts: number;
  deliveryId?: string;
  lastError?: string;
  /** The ts of the Slack message (single alert or digest) that shows it. */
  slackTs?: string;
}

/** What `/healthz` reports about the outbox. */
export interface OutboxStats {
  /** Events stored and not yet delivered (dead ones excluded). */
  depth: number;
  /** Age of the oldest undelivered event, in whole seconds; 0 when there is none. */
  oldestAgeSeconds: number;
  dead: number;
}

/** A claim on the head of one channel's queue. */
export interface ClaimRequest {
  /** Routes that resolve to the same channel: they form one queue, kept in order. */
  routes: readonly AlertRoute[];
  /** Who claims (one id per worker process). */
  owner: string;
  /** Wall-clock milliseconds; leases are compared with it. */
  nowMs: number;
  /** How long the claim holds if the owner dies mid-post. */
  leaseMs: number;
  limit: number;
}

/**
 * The durable outbox between DART's webhooks and Slack. `add` runs before DART gets its
 * 2xx; workers `claim` the head of a channel's queue under a lease, then record the
 * outcome. Any implementation must make `claim` atomic across processes sharing it.
 */
/** An event to store, as the receiver accepted it. */
export interface NewAlert {
  event: AlertEvent;
  route: AlertRoute;
  receivedAt: Date;
  deliveryId?: string;
}

export interface OutboxStore {
  /** Stores an event; `added: false` when its delivery id was already stored (a repeat). */
  add(input: NewAlert): { added: boolean; id: number };
  /** Stores several events in one transaction (one disk sync for all); all or none. */
  addAll(inputs: readonly NewAlert[]): Array<{ added: boolean; id: number }>;
  /**
   * Leases up to `limit` pending events at the head of the queue, oldest first, unless
   * another owner holds a live lease on that queue (so per-channel order survives several
   * instances). Returns nothing when the queue is empty or held.
   */
  claim(request: ClaimRequest): StoredAlert[];
  /** Marks events delivered with the ts of the message that shows them. */
  markDelivered(ids: readonly number[], slackTs: string, at: Date): void;
  /** Gives leased events back for a later attempt, recording why this one failed. */
  release(ids: readonly number[], owner: string, reason: string): void;
  /** Gives back every lease `owner` still holds (at shutdown), so another instance takes the queue at once. */
  releaseAll(owner: string): void;
  /** Moves events aside: Slack refused them for a reason waiting will not fix. */
  markDead(ids: readonly number[], reason: string): void;
  /** Sets every dead event back to pending (at start-up, once the cause may be fixed); returns how many. */
  redriveDead(): number;
  stats(now: Date): OutboxStats;
  /** Stored events whose old or new user name is `customer`, newest first (for `/dart history`). */
  eventsFor(customer: string, options: { limit: number; before?: Date }): StoredAlert[];
}

export const ALERT_MIGRATIONS: Migration[] = [
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
];

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** `OutboxStore` on the embedded SQLite database; safe for several processes sharing the file. */
export class SqliteOutboxStore implements OutboxStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  addAll(inputs: readonly NewAlert[]) {
    return this.#database.transaction(() => inputs.map((input) => this.add(input)));
  }

  add({ event, route, receivedAt, deliveryId }: NewAlert) {
    const database = this.#database;
    // The UNIQUE delivery id makes a repeat a no-op even when two instances receive it at once.
    const result = database
      .prepare(
        `INSERT INTO alert_outbox (delivery_id, kind, route, event, old_user_name, new_user_name, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
      )
      .run(deliveryId ?? null, event.kind, route, JSON.stringify(event), event.oldUserName, event.newUserName, receivedAt.getTime());
    if (result.changes > 0) return { added: true, id: Number(result.lastInsertRowid) };
    const existing = database.prepare('SELECT id FROM alert_outbox WHERE delivery_id = ?').get(deliveryId ?? null);
    return { added: false, id: Number(existing?.id ?? 0) };
  }

  claim({ routes, owner, nowMs, leaseMs, limit }: ClaimRequest): StoredAlert[] {
    const inRoutes = `route IN (${placeholders(routes.length)})`;
    // One statement, so the check that nobody else holds the queue and the lease itself
    // happen under SQLite's write lock together.
    const rows = this.#database
      .prepare(
        `UPDATE alert_outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
         WHERE id IN (SELECT id FROM alert_outbox WHERE status = 'pending' AND ${inRoutes} ORDER BY id LIMIT ?)
           AND NOT EXISTS (
             SELECT 1 FROM alert_outbox AS held
             WHERE held.status = 'pending' AND held.${inRoutes} AND held.lease_until > ? AND held.lease_owner <> ?
           )
         RETURNING *`,
      )
      .all(owner, nowMs + leaseMs, ...routes, limit, ...routes, nowMs, owner);
    return rows.map(toStoredAlert).sort((a, b) => a.id - b.id);
  }

  markDelivered(ids: readonly number[], slackTs: string, at: Date): void {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET status = 'delivered', slack_ts = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending'`,
      )
      .run(slackTs, at.getTime(), ...ids);
  }

  release(ids: readonly number[], owner: string, reason: string): void {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL, last_error = ?
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending' AND lease_owner = ?`,
      )
      .run(reason, ...ids, owner);
  }

  releaseAll(owner: string): void {
    this.#database
      .prepare(`UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner = ?`)
      .run(owner);
  }

  markDead(ids: readonly number[], reason: string): void {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET status = 'dead', last_error = ?, lease_owner = NULL, lease_until = NULL
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending'`,
      )
      .run(reason, ...ids);
  }

  redriveDead(): number {
    const result = this.#database
      .prepare(`UPDATE alert_outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL WHERE status = 'dead'`)
      .run();
    return Number(result.changes);
  }

  stats(now: Date): OutboxStats {
    const row = this.#database
      .prepare(
        `SELECT COALESCE(SUM(status = 'pending'), 0) AS depth, COALESCE(SUM(status = 'dead'), 0) AS dead,
                MIN(CASE WHEN status = 'pending' THEN received_at END) AS oldest
         FROM alert_outbox WHERE status <> 'delivered'`,
      )
      .get();
    const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
    return {
      depth: Number(row?.depth ?? 0),
      oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, Math.floor((now.getTime() - oldest) / 1000)),
      dead: Number(row?.dead ?? 0),
    };
  }

  eventsFor(customer: string, { limit, before }: { limit: number; before?: Date }): StoredAlert[] {
    const rows = this.#database
      .prepare(
        `SELECT * FROM alert_outbox WHERE (old_user_name = ? OR new_user_name = ?) AND received_at < ?
         ORDER BY received_at DESC, id DESC LIMIT ?`,
      )
      .all(customer, customer, before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(toStoredAlert);
  }
}

function toStoredAlert(row: Record<string, unknown>): StoredAlert {
  return {
    id: Number(row.id),
    event: JSON.parse(String(row.event)) as AlertEvent,
    route: String(row.route) as AlertRoute,
    receivedAt: new Date(Number(row.received_at)),
    status: String(row.status) as OutboxStatus,
    attempts: Number(row.attempts),
    ...(row.delivery_id === null ? {} : { deliveryId: String(row.delivery_id) }),
    ...(row.last_error === null ? {} : { lastError: String(row.last_error) }),
    ...(row.slack_ts === null ? {} : { slackTs: String(row.slack_ts) }),
  };
}
