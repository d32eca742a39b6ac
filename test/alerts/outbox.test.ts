import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/alerts/group-commit.ts';
import { SqliteOutboxStore, type AlertRoute } from '../../src/alerts/outbox.ts';
import { parseWebhookBody, type AlertEvent } from '../../src/alerts/schemas.ts';
import { Database } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { fixture, fixtureWebhook, withdrawalBody, type FixtureName } from '../support/webhooks.ts';

let directory: string;
let databases: Database[];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'dart-outbox-'));
  databases = [];
});
afterEach(() => {
  for (const database of databases) database.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A store on the shared file, as one app instance would open it. */
function openStore(): SqliteOutboxStore {
  const database = new Database(join(directory, 'outbox.db'));
  database.migrate(MIGRATIONS);
  databases.push(database);
  return new SqliteOutboxStore(database);
}

/** A fixture's event, or a withdrawal body's. */
function event(name: FixtureName | Record<string, unknown>): AlertEvent {
  const parsed =
    typeof name === 'string' ? parseWebhookBody(fixtureWebhook(name), fixture(name)) : parseWebhookBody('trade-script-withdrawal', name);
  if (!parsed.ok) throw new Error(`${parsed.field} ${parsed.problem}`);
  return parsed.event;
}

const ALL: AlertRoute[] = ['alerts', 'withdrawals'];
const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, seconds));

describe('claims', () => {
  it('two instances never hold the same channel queue at once; a lease that runs out is taken over', () => {
    const [one, two] = [openStore(), openStore()];
    for (let i = 0; i < 5; i += 1) one.add({ event: event(withdrawalBody(`user${i}`)), route: 'withdrawals', receivedAt: at(i) });
    const claimed = one.claim({ routes: ALL, owner: 'one', nowMs: 1000, leaseMs: 500, limit: 3 });
    expect(claimed.map((alert) => alert.event.newUserName)).toEqual(['user0', 'user1', 'user2']);
    // The queue is held: the second instance gets nothing, not even the unclaimed tail (order per channel).
    expect(two.claim({ routes: ALL, owner: 'two', nowMs: 1200, leaseMs: 500, limit: 3 })).toEqual([]);
    // The first instance died mid-post: once its lease runs out, the head is claimed again.
    const retaken = two.claim({ routes: ALL, owner: 'two', nowMs: 1600, leaseMs: 500, limit: 10 });
    expect(retaken.map((alert) => alert.id)).toEqual([1, 2, 3, 4, 5]);
    expect(retaken[0]?.attempts).toBe(2);
  });

  it('delivered and dead events leave the queue; released ones come back first', () => {
    const store = openStore();
    for (let i = 0; i < 3; i += 1) store.add({ event: event(withdrawalBody(`user${i}`)), route: 'withdrawals', receivedAt: at(i) });
    const [first, second] = store.claim({ routes: ALL, owner: 'me', nowMs: 0, leaseMs: 1000, limit: 2 });
    store.markDelivered([first!.id], '1700000000.000100', at(10));
    store.release([second!.id], 'me', 'http_500');
    const next = store.claim({ routes: ALL, owner: 'me', nowMs: 1, leaseMs: 1000, limit: 1 });
    expect(next.map((alert) => [alert.id, alert.lastError])).toEqual([[second!.id, 'http_500']]);
    store.markDead([second!.id], 'channel_not_found');
    expect(store.stats(at(20))).toEqual({ depth: 1, oldestAgeSeconds: 18, dead: 1 });
    expect(store.redriveDead()).toBe(1);
    expect(store.stats(at(20))).toEqual({ depth: 2, oldestAgeSeconds: 19, dead: 0 });
  });

  it('only the routes asked for are claimed', () => {
    const store = openStore();
    store.add({ event: event('activate'), route: 'alerts', receivedAt: at(0) });
    store.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1) });
    const claimed = store.claim({ routes: ['withdrawals'], owner: 'me', nowMs: 0, leaseMs: 1000, limit: 10 });
    expect(claimed.map((alert) => alert.event.kind)).toEqual(['withdrawal']);
  });
});

describe('delivery ids', () => {
  it('a repeated id is not stored again, even from another instance; no id means no dedup', () => {
    const [one, two] = [openStore(), openStore()];
    expect(one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(0), deliveryId: 'abc' })).toEqual({ added: true, id: 1 });
    expect(two.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'abc' })).toEqual({ added: false, id: 1 });
    expect(one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(2) }).added).toBe(true);
    expect(one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(3) }).added).toBe(true);
    expect(one.stats(at(4)).depth).toBe(3);
  });
});

describe('eventsFor (for /dart history)', () => {
  it('finds events by old or new user name, newest first, with a limit and a before cursor', () => {
    const store = openStore();
    store.add({ event: event('activate'), route: 'alerts', receivedAt: at(1) });
    store.add({ event: event('update'), route: 'alerts', receivedAt: at(2) }); // billyjoel → billy
    store.add({ event: event({ ...withdrawalBody('billy') }), route: 'withdrawals', receivedAt: at(3) });
    store.add({ event: event(withdrawalBody('someoneelse')), route: 'withdrawals', receivedAt: at(4) });

    expect(store.eventsFor('billyjoel', { limit: 10 }).map((alert) => alert.event.kind)).toEqual(['updated', 'activated']);
    expect(store.eventsFor('billy', { limit: 10 }).map((alert) => alert.event.kind)).toEqual(['withdrawal', 'updated']);
    expect(store.eventsFor('billy', { limit: 1 }).map((alert) => alert.receivedAt)).toEqual([at(3)]);
    expect(store.eventsFor('billy', { limit: 10, before: at(3) }).map((alert) => alert.event.kind)).toEqual(['updated']);
    expect(store.eventsFor('nobody', { limit: 10 })).toEqual([]);
  });
});

describe('group commit', () => {
  it('stores events that arrive together in one transaction, each answered with its own id; a repeat id inside a batch is a duplicate', async () => {
    const store = openStore();
    const writer = new GroupCommit(store);
    const results = await Promise.all([
      writer.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'd-1' }),
      writer.add({ event: event('activate'), route: 'alerts', receivedAt: at(1) }),
      writer.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'd-1' }),
    ]);
    expect(results.map((result) => result.added)).toEqual([true, true, false]);
    expect(results[2]?.id).toBe(results[0]?.id);
    expect(store.stats(at(2)).depth).toBe(2);
  });

  it('when the transaction fails, every caller in the batch gets the error and nothing is stored', async () => {
    const store = openStore();
    const writer = new GroupCommit(store);
    // An event the outbox cannot hold (its kind column is NOT NULL) fails the whole batch.
    const broken = { event: { ...event('activate'), kind: null } as unknown as AlertEvent, route: 'alerts' as const, receivedAt: at(1) };
    const results = await Promise.allSettled([
      writer.add({ event: event('exit'), route: 'withdrawals', receivedAt: at(1) }),
      writer.add(broken),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(store.stats(at(2)).depth).toBe(0);
  });
});
