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

/** What storing an event did. */
export interface AddedAlert {
  /** false: a repeat (same delivery id, same webhook, same content) of the stored event `id`. */
  added: boolean;
  id: number;
  /** Set when the delivery id was already used by a different event: the earliest such event. */
  conflictsWith?: number;
}

export interface OutboxStore {
  /**
   * Stores an event. A delivery id seen before with the same webhook and content is a
   * repeat (`added: false`); with a different event it is a conflict: stored as a new
   * event all the same (`conflictsWith`), since dropping it would lose an alert.
   */
  add(input: NewAlert): AddedAlert;
  /** Stores several events in one transaction (one disk sync for all); all or none. */
  addAll(inputs: readonly NewAlert[]): AddedAlert[];
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
  /** Stored events whose old or new user name is one of `customers`, newest first (for `/dart history`). */
  eventsFor(customers: string | readonly string[], options: { limit: number; before?: Date }): StoredAlert[];
  /** The newest stored event of one of `kinds` about `customer` (its new user name), if any. */
  latestOf(customer: string, kinds: readonly AlertEvent['kind'][]): StoredAlert | undefined;
  /** Every rename (customer-update with a new user name) whose old or new name is one of `names`. */
  renamesTouching(names: readonly string[]): Array<{ from: string; to: string }>;
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
  {
    // An event whose delivery id an earlier, different event already holds keeps that id
    // here (delivery_id stays unique), so that its own retries are still recognised.
    name: 'alerts-002-reused-delivery-ids',
    sql: `ALTER TABLE alert_outbox ADD COLUMN reused_delivery_id TEXT;
    CREATE INDEX alert_outbox_reused_delivery ON alert_outbox (reused_delivery_id) WHERE reused_delivery_id IS NOT NULL;`,
  },
];

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** `OutboxStore` on the embedded SQLite database; safe for several processes sharing the file. */
export class SqliteOutboxStore implements OutboxStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  addAll(inputs: readonly NewAlert[]): AddedAlert[] {
    // One immediate transaction: the look-up of a delivery id and the insert that follows
    // hold the write lock together, even when several instances receive the same call.
    return this.#database.transaction(() => inputs.map((input) => this.#add(input)));
  }

  add(input: NewAlert): AddedAlert {
    return this.addAll([input])[0]!;
  }

  #add({ event, route, receivedAt, deliveryId }: NewAlert): AddedAlert {
    const sqlite = this.#database.sqlite;
    const text = JSON.stringify(event);
    const insert = (column: 'delivery_id' | 'reused_delivery_id') =>
      Number(
        sqlite
          .prepare(
            `INSERT INTO alert_outbox (${column}, kind, route, event, old_user_name, new_user_name, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(deliveryId ?? null, event.kind, route, text, event.oldUserName, event.newUserName, receivedAt.getTime()).lastInsertRowid,
      );
    if (deliveryId === undefined) return { added: true, id: insert('delivery_id') };
    const earlier = sqlite
      .prepare('SELECT id, kind, event FROM alert_outbox WHERE delivery_id = ? OR reused_delivery_id = ? ORDER BY id')
      .all(deliveryId, deliveryId);
    // The kind tells the webhook (path) apart, the event its content: both equal is a retry.
    const repeat = earlier.find((row) => row.kind === event.kind && row.event === text);
    if (repeat) return { added: false, id: Number(repeat.id) };
    if (earlier.length === 0) return { added: true, id: insert('delivery_id') };
    return { added: true, id: insert('reused_delivery_id'), conflictsWith: Number(earlier[0]!.id) };
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

  eventsFor(customers: string | readonly string[], { limit, before }: { limit: number; before?: Date }): StoredAlert[] {
    const names = typeof customers === 'string' ? [customers] : customers;
    const inNames = `IN (${placeholders(names.length)})`;
    const rows = this.#database.sqlite
      .prepare(
        `SELECT * FROM alert_outbox WHERE (old_user_name ${inNames} OR new_user_name ${inNames}) AND received_at < ?
         ORDER BY received_at DESC, id DESC LIMIT ?`,
      )
      .all(...names, ...names, before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(toStoredAlert);
  }

  latestOf(customer: string, kinds: readonly AlertEvent['kind'][]): StoredAlert | undefined {
    const row = this.#database.sqlite
      .prepare(
        `SELECT * FROM alert_outbox WHERE new_user_name = ? AND kind IN (${placeholders(kinds.length)})
         ORDER BY received_at DESC, id DESC LIMIT 1`,
      )
      .get(customer, ...kinds);
    return row ? toStoredAlert(row) : undefined;
  }

  renamesTouching(names: readonly string[]): Array<{ from: string; to: string }> {
    const inNames = `IN (${placeholders(names.length)})`;
    const rows = this.#database.sqlite
      .prepare(
        `SELECT DISTINCT old_user_name, new_user_name FROM alert_outbox
         WHERE kind = 'updated' AND old_user_name <> new_user_name AND (old_user_name ${inNames} OR new_user_name ${inNames})`,
      )
      .all(...names, ...names);
    return rows.map((row) => ({ from: String(row.old_user_name), to: String(row.new_user_name) }));
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
    ...(row.delivery_id === null && row.reused_delivery_id === null ? {} : { deliveryId: String(row.delivery_id ?? row.reused_delivery_id) }),
    ...(row.last_error === null ? {} : { lastError: String(row.last_error) }),
    ...(row.slack_ts === null ? {} : { slackTs: String(row.slack_ts) }),
  };
}
