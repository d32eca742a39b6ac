import type {
  AddedAlert,
  AlertId,
  ClaimRequest,
  NewAlert,
  OutboxRepository,
  OutboxStats,
  Rename,
  StoredAlert,
} from '../../alerts/repository.ts';
import type { AlertEvent } from '../../alerts/schemas.ts';
import { storedAlertFromRow } from '../rows.ts';
import { placeholders, type Database } from './database.ts';

/**
 * `OutboxRepository` on the embedded SQLite database; safe for several processes sharing
 * the file. Leases are measured on this process's clock (`Date.now()`): every instance on
 * one file runs on one machine, so they share it.
 */
export class SqliteOutboxRepository implements OutboxRepository {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async addAll(inputs: readonly NewAlert[]): Promise<AddedAlert[]> {
    // One immediate transaction: the look-up of a delivery id and the insert that follows
    // hold the write lock together, even when several instances receive the same call.
    return this.#database.transaction(() => inputs.map((input) => this.#add(input)));
  }

  async add(input: NewAlert): Promise<AddedAlert> {
    return (await this.addAll([input]))[0]!;
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

  async claim({ routes, owner, leaseMs, limit }: ClaimRequest): Promise<StoredAlert[]> {
    const nowMs = Date.now();
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
    return rows.map(storedAlertFromRow).sort((a, b) => a.id - b.id);
  }

  /** No signal crosses processes sharing a file: other instances' events are found by polling. */
  subscribe(): () => void {
    return () => {};
  }

  async markDelivered(ids: readonly AlertId[], slackTs: string, at: Date): Promise<void> {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET status = 'delivered', slack_ts = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending'`,
      )
      .run(slackTs, at.getTime(), ...ids);
  }

  async release(ids: readonly AlertId[], owner: string, reason: string): Promise<void> {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL, last_error = ?
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending' AND lease_owner = ?`,
      )
      .run(reason, ...ids, owner);
  }

  async releaseAll(owner: string): Promise<void> {
    this.#database
      .prepare(`UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner = ?`)
      .run(owner);
  }

  async markDead(ids: readonly AlertId[], reason: string): Promise<void> {
    this.#database
      .prepare(
        `UPDATE alert_outbox SET status = 'dead', last_error = ?, lease_owner = NULL, lease_until = NULL
         WHERE id IN (${placeholders(ids.length)}) AND status = 'pending'`,
      )
      .run(reason, ...ids);
  }

  async redriveDead(): Promise<number> {
    const result = this.#database
      .prepare(`UPDATE alert_outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL WHERE status = 'dead'`)
      .run();
    return Number(result.changes);
  }

  async stats(now: Date): Promise<OutboxStats> {
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

  async eventsFor(names: readonly string[], { limit, before }: { limit: number; before?: Date | undefined }): Promise<StoredAlert[]> {
    const inNames = `IN (${placeholders(names.length)})`;
    const rows = this.#database
      .prepare(
        `SELECT * FROM alert_outbox WHERE (old_user_name ${inNames} OR new_user_name ${inNames}) AND received_at < ?
         ORDER BY received_at DESC, id DESC LIMIT ?`,
      )
      .all(...names, ...names, before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(storedAlertFromRow);
  }

  async latestOf(
    customers: readonly string[],
    kinds: readonly AlertEvent['kind'][],
    { after, before }: { after?: Date | undefined; before?: Date | undefined } = {},
  ): Promise<StoredAlert | undefined> {
    const row = this.#database
      .prepare(
        `SELECT * FROM alert_outbox WHERE new_user_name IN (${placeholders(customers.length)}) AND kind IN (${placeholders(kinds.length)})
           AND received_at > ? AND received_at < ?
         ORDER BY received_at DESC, id DESC LIMIT 1`,
      )
      .get(...customers, ...kinds, after?.getTime() ?? Number.MIN_SAFE_INTEGER, before?.getTime() ?? Number.MAX_SAFE_INTEGER);
    return row ? storedAlertFromRow(row) : undefined;
  }

  async renamesTouching(names: readonly string[]): Promise<Rename[]> {
    const inNames = `IN (${placeholders(names.length)})`;
    const rows = this.#database
      .prepare(
        `SELECT old_user_name, new_user_name, MIN(received_at) AS at FROM alert_outbox
         WHERE kind = 'updated' AND old_user_name <> new_user_name AND (old_user_name ${inNames} OR new_user_name ${inNames})
         GROUP BY old_user_name, new_user_name ORDER BY at`,
      )
      .all(...names, ...names);
    return rows.map((row) => ({ from: String(row.old_user_name), to: String(row.new_user_name), at: new Date(Number(row.at)) }));
  }
}
