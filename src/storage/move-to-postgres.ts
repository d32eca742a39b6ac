import type { AlertId, NewAlert, StoredAlert } from '../alerts/repository.ts';
import { isSettled, type Transfer } from '../transfers/repository.ts';
import { exportSqlite } from './sqlite/export.ts';
import { openStorage, type Storage } from './storage.ts';

/** What a move carried. */
export interface MovedCounts {
  auditEntries: number;
  /** Webhook events by where their delivery stood: each keeps it. */
  events: { pending: number; delivered: number; dead: number };
  reminders: number;
  transfers: number;
  /** The freeze in force, carried over: transfers stay frozen. */
  frozen: boolean;
}

/** Why a move did not start; nothing was written. */
export class MoveRefusedError extends Error {
  override name = 'MoveRefusedError';
}

/** Events are stored this many at a time (one transaction each). */
const BATCH = 500;

/**
 * Copies what a SQLite file holds into the PostgreSQL database at `databaseUrl`, through
 * the repositories (PostgreSQL's migrations create its tables): the audit log and every
 * webhook event in the order they were written (delivered ones stay delivered, with their
 * Slack message; pending ones are delivered by the first instance that starts; dead ones
 * stay dead until a start sets them back), the trade-script reminders, every transfer as it
 * stands (what went out in the last 24 hours keeps counting toward the daily limits) and a
 * freeze in force (transfers stay frozen). A transfer not settled (waiting for
 * Confirm/Approve, for DART, or with an unknown outcome to resolve) refuses the move, as
 * does a target that already holds any of the history. Run with every instance stopped.
 */
export async function moveToPostgres(sqlitePath: string, databaseUrl: string): Promise<MovedCounts> {
  const source = exportSqlite(sqlitePath);
  const unsettled = source.transfers.filter((transfer) => !isSettled(transfer));
  if (unsettled.length > 0) {
    throw new MoveRefusedError(
      `${unsettled.length} transfer(s) are not finished (${unsettled.map(describe).join('; ')}): ` +
        'confirm, cancel or resolve them (or let them expire) with the app on SQLite, then move',
    );
  }
  const target = await openStorage({ DATABASE_PATH: sqlitePath, DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
  try {
    const customers = [
      ...new Set([
        ...source.audit.map((entry) => entry.customer),
        ...source.alerts.flatMap(({ alert }) => [alert.event.oldUserName, alert.event.newUserName]),
        ...source.transfers.map((transfer) => transfer.customer),
      ]),
    ];
    await refuseIfAnyThere(target, customers, source.transfers[0]);
    // The freeze first: a move that fails after it leaves whatever it copied frozen.
    if (source.freeze) await target.transfers.freeze(source.freeze);
    await target.transfers.restore(source.transfers);
    for (const { id: _id, ...entry } of source.audit) await target.audit.append(entry);
    const events = { pending: 0, delivered: 0, dead: 0 };
    for (let start = 0; start < source.alerts.length; start += BATCH) {
      const batch = source.alerts.slice(start, start + BATCH);
      const added = await target.outbox.addAll(batch.map(({ alert }) => newAlert(alert)));
      // Delivered events of one Slack message (a digest) are marked together, with its ts.
      const delivered = new Map<string, { ids: AlertId[]; slackTs: string; at: Date }>();
      const dead = new Map<string, AlertId[]>();
      for (const [index, { alert, deliveredAt }] of batch.entries()) {
        const id = added[index]!.id;
        events[alert.status] += 1;
        if (alert.status === 'delivered') {
          const slackTs = alert.slackTs ?? '';
          const at = deliveredAt ?? alert.receivedAt;
          const key = `${slackTs} ${at.toISOString()}`;
          const group = delivered.get(key) ?? { ids: [], slackTs, at };
          group.ids.push(id);
          delivered.set(key, group);
        } else if (alert.status === 'dead') {
          const reason = alert.lastError ?? 'dead before the move to PostgreSQL';
          dead.set(reason, [...(dead.get(reason) ?? []), id]);
        }
      }
      for (const { ids, slackTs, at } of delivered.values()) await target.outbox.markDelivered(ids, slackTs, at);
      for (const [reason, ids] of dead) await target.outbox.markDead(ids, reason);
    }
    for (const reminder of source.reminders) await target.reminders.put(reminder);
    return {
      auditEntries: source.audit.length,
      events,
      reminders: source.reminders.length,
      transfers: source.transfers.length,
      frozen: source.freeze !== undefined,
    };
  } finally {
    await target.close();
  }
}

function newAlert(alert: StoredAlert): NewAlert {
  return {
    event: alert.event,
    route: alert.route,
    receivedAt: alert.receivedAt,
    ...(alert.deliveryId ? { deliveryId: alert.deliveryId } : {}),
  };
}

function describe(transfer: Transfer): string {
  return `${transfer.id}: ${transfer.amount} to ${transfer.customer}, ${transfer.state}`;
}

/**
 * A second run, or a database instances already use, would mix or double the history: any
 * of the customers' history, a freeze, or the first transfer (they are restored all or none).
 */
async function refuseIfAnyThere(target: Storage, customers: readonly string[], firstTransfer: Transfer | undefined): Promise<void> {
  const refusal = (what: string) =>
    new MoveRefusedError(`the PostgreSQL database already holds history (${what}): move into a database no instance has used yet`);
  if (await target.transfers.currentFreeze()) throw refusal('a freeze');
  if (firstTransfer && (await target.transfers.get(firstTransfer.id))) throw refusal(`transfer ${firstTransfer.id}`);
  for (let start = 0; start < customers.length; start += BATCH) {
    const names = customers.slice(start, start + BATCH);
    const [audit, events] = await Promise.all([
      target.audit.forCustomer(names, { limit: 1 }),
      target.outbox.eventsFor(names, { limit: 1 }),
    ]);
    const found = audit[0]?.customer ?? events[0]?.event.newUserName;
    if (found !== undefined) throw refusal(`about ${found}`);
  }
}
