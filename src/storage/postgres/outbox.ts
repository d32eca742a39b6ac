import type pg from 'pg';
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
import type { PostgresDatabase } from './pool.ts';
import type { Listener } from './wake.ts';

/** The channel `NOTIFY` wakes other instances' delivery workers on (see `wake.ts`). */
export const OUTBOX_CHANNEL = 'dart_slack_outbox';

/** Advisory lock key ordering intake against claims ("outbox" in ASCII). */
const ORDER_LOCK = 0x6f_75_74_62_6f_78n;
/** First half of the two-key advisory locks that serialise one delivery id (two-key locks never meet one-key ones). */
const DELIVERY_ID_LOCKS = 0x6f_75_74;

/**
 * `OutboxRepository` on PostgreSQL, for several instances draining one outbox.
 *
 * Why the claim is built this way. SQLite has one writer, so there a single UPDATE that
 * checks "nobody else holds this channel" and leases its head is atomic. In PostgreSQL
 * it is not, and ids do not follow commit order either: an identity value is handed out
 * at INSERT, so a worker can see event 11 committed while event 10 is still in flight,
 * and post 11 first. Measured in the study behind issue 13 (3 processes, 2 channels, 400
 * events inserted concurrently): the SQLite statement run as-is posted 110-185 events
 * twice and dozens out of order; `FOR UPDATE SKIP LOCKED` alone removed the doubles but
 * not the disorder. So, at the root:
 *
 * - every intake transaction first takes `pg_advisory_xact_lock_shared(ORDER_LOCK)`, so
 *   intakes still run side by side;
 * - a claim takes `pg_advisory_xact_lock(ORDER_LOCK)` (exclusive) in its own short
 *   transaction, so it waits for every intake in flight to commit and then, in its next
 *   statement's snapshot, sees a gap-free prefix of ids; claims of all channels queue on
 *   that one lock, so "does another owner hold a live lease on this channel?" and "lease
 *   its head" are one decision;
 * - the lock lives only for the claim, never across the Slack post; the lease (on the
 *   database's clock, `clock_timestamp()`, so hosts with skewed clocks agree) is what
 *   keeps the channel while the post is under way.
 *
 * Result of `test/storage/outbox-claim-processes.test.ts` (3 processes, 2 channels,
 * 180 events stored while they drain): 0 duplicates, 0 out of order, 0 overlapping holds;
 * with the two lock statements removed, the same test fails on all three counts.
 * Events stored in one intake batch keep their arrival order: their ids are taken one
 * after another in that transaction.
 */
export class PostgresOutboxRepository implements OutboxRepository {
  readonly #database: PostgresDatabase;
  readonly #listener: Listener;

  constructor(database: PostgresDatabase, listener: Listener) {
    this.#database = database;
    this.#listener = listener;
  }

  subscribe(wake: () => void): () => void {
    return this.#listener.subscribe(wake);
  }

  async add(input: NewAlert): Promise<AddedAlert> {
    return (await this.addAll([input]))[0]!;
  }

  async addAll(inputs: readonly NewAlert[]): Promise<AddedAlert[]> {
    if (inputs.length === 0) return [];
    const stored = await this.#database.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock_shared($1)', [ORDER_LOCK]);
      // One delivery id is looked up and stored under its own lock, so a retry reaching two
      // instances at once is stored once; taken in one order so two batches never deadlock.
      const deliveryIds = inputs.flatMap((input) => (input.deliveryId === undefined ? [] : [input.deliveryId]));
      if (deliveryIds.length > 0) {
        await client.query(
          'SELECT pg_advisory_xact_lock($1, hash) FROM (SELECT DISTINCT hashtext(id) AS hash FROM unnest($2::text[]) AS id ORDER BY hash) AS hashes',
          [DELIVERY_ID_LOCKS, deliveryIds],
        );
      }
      const added: AddedAlert[] = [];
      for (const input of inputs) added.push(await addOne(client, input));
      return added;
    });
    // After the commit, not in it: a transaction that notifies holds one database-wide lock
    // through its commit's disk sync, which serialised every intake of every instance
    // (`npm run bench`, scenario 5: 37 % of the connections' samples waited on Lock:object).
    // The events are visible by now; a lost notification only leaves them to the polling.
    if (stored.some((result) => result.added)) await this.#database.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']).catch(() => {});
    return stored;
  }

  async claim({ routes, owner, leaseMs, limit }: ClaimRequest): Promise<StoredAlert[]> {
    return this.#database.transaction(async (client) => {
      // Its own statement: the UPDATE below then takes its snapshot after every intake before it committed.
      await client.query('SELECT pg_advisory_xact_lock($1)', [ORDER_LOCK]);
      const { rows } = await client.query(
        `UPDATE alert_outbox SET lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond', attempts = attempts + 1
         WHERE id IN (SELECT id FROM alert_outbox WHERE status = 'pending' AND route = ANY($3) ORDER BY id LIMIT $4)
           AND status = 'pending'
           AND NOT EXISTS (
             SELECT 1 FROM alert_outbox AS held
             WHERE held.status = 'pending' AND held.route = ANY($3) AND held.lease_until > clock_timestamp() AND held.lease_owner <> $1
           )
         RETURNING *`,
        [owner, leaseMs, routes, limit],
      );
      return rows.map(storedAlertFromRow).sort((a, b) => a.id - b.id);
    });
  }

  async markDelivered(ids: readonly AlertId[], slackTs: string, at: Date): Promise<void> {
    await this.#database.query(
      `UPDATE alert_outbox SET status = 'delivered', slack_ts = $1, delivered_at = $2, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = ANY($3) AND status = 'pending'`,
      [slackTs, at, ids],
    );
  }

  async release(ids: readonly AlertId[], owner: string, reason: string): Promise<void> {
    await this.#database.query(
      `UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL, last_error = $1
       WHERE id = ANY($2) AND status = 'pending' AND lease_owner = $3`,
      [reason, ids, owner],
    );
  }

  async releaseAll(owner: string): Promise<void> {
    await this.#database.query(
      `UPDATE alert_outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner = $1`,
      [owner],
    );
  }

  async markDead(ids: readonly AlertId[], reason: string): Promise<void> {
    await this.#database.query(
      `UPDATE alert_outbox SET status = 'dead', last_error = $1, lease_owner = NULL, lease_until = NULL
       WHERE id = ANY($2) AND status = 'pending'`,
      [reason, ids],
    );
  }

  async redriveDead(): Promise<number> {
    const result = await this.#database.query(
      `UPDATE alert_outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL WHERE status = 'dead'`,
    );
    return result.rowCount ?? 0;
  }

  async stats(now: Date): Promise<OutboxStats> {
    // Reads only the partial index of undelivered rows, however much history there is.
    const { rows } = await this.#database.query<{ depth: string; dead: string; oldest: Date | null }>(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS depth, count(*) FILTER (WHERE status = 'dead') AS dead,
              min(received_at) FILTER (WHERE status = 'pending') AS oldest
       FROM alert_outbox WHERE status <> 'delivered'`,
    );
    const row = rows[0];
    const oldest = row?.oldest ?? undefined;
    return {
      depth: Number(row?.depth ?? 0),
      oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)),
      dead: Number(row?.dead ?? 0),
    };
  }

  async eventsFor(customers: readonly string[], { limit, before }: { limit: number; before?: Date | undefined }): Promise<StoredAlert[]> {
    const { rows } = await this.#database.query(
      `SELECT * FROM alert_outbox WHERE (old_user_name = ANY($1) OR new_user_name = ANY($1)) AND ($2::timestamptz IS NULL OR received_at < $2)
       ORDER BY received_at DESC, id DESC LIMIT $3`,
      [customers, before ?? null, limit],
    );
    return rows.map(storedAlertFromRow);
  }

  async latestOf(
    customers: readonly string[],
    kinds: readonly AlertEvent['kind'][],
    { after, before }: { after?: Date | undefined; before?: Date | undefined } = {},
  ): Promise<StoredAlert | undefined> {
    const { rows } = await this.#database.query(
      `SELECT * FROM alert_outbox WHERE new_user_name = ANY($1) AND kind = ANY($2)
         AND ($3::timestamptz IS NULL OR received_at > $3) AND ($4::timestamptz IS NULL OR received_at < $4)
       ORDER BY received_at DESC, id DESC LIMIT 1`,
      [customers, kinds, after ?? null, before ?? null],
    );
    return rows[0] ? storedAlertFromRow(rows[0]) : undefined;
  }

  async renamesTouching(names: readonly string[]): Promise<Rename[]> {
    const { rows } = await this.#database.query<{ old_user_name: string; new_user_name: string; at: Date }>(
      `SELECT old_user_name, new_user_name, min(received_at) AS at FROM alert_outbox
       WHERE kind = 'updated' AND old_user_name <> new_user_name AND (old_user_name = ANY($1) OR new_user_name = ANY($1))
       GROUP BY old_user_name, new_user_name ORDER BY at`,
      [names],
    );
    return rows.map((row) => ({ from: row.old_user_name, to: row.new_user_name, at: row.at }));
  }
}

/**
 * Stores one event, or recognises a repeat: a delivery id seen before with the same webhook
 * (kind) and content is a repeat; with a different event it is stored all the same, with the
 * id kept aside (`reused_delivery_id`) so that this event's own retries are recognised too.
 */
async function addOne(client: pg.PoolClient, { event, route, receivedAt, deliveryId }: NewAlert): Promise<AddedAlert> {
  const insert = async (column: 'delivery_id' | 'reused_delivery_id') => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO alert_outbox (${column}, kind, route, event, old_user_name, new_user_name, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [deliveryId ?? null, event.kind, route, JSON.stringify(event), event.oldUserName, event.newUserName, receivedAt],
    );
    return Number(rows[0]!.id);
  };
  if (deliveryId === undefined) return { added: true, id: await insert('delivery_id') };
  const { rows: earlier } = await client.query<{ id: string; repeat: boolean }>(
    `SELECT id, (kind = $2 AND event = $3::jsonb) AS repeat FROM alert_outbox WHERE delivery_id = $1 OR reused_delivery_id = $1 ORDER BY id`,
    [deliveryId, event.kind, JSON.stringify(event)],
  );
  const repeat = earlier.find((row) => row.repeat);
  if (repeat) return { added: false, id: Number(repeat.id) };
  if (earlier.length === 0) return { added: true, id: await insert('delivery_id') };
  return { added: true, id: await insert('reused_delivery_id'), conflictsWith: Number(earlier[0]!.id) };
}
