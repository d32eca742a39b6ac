import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/alerts/group-commit.ts';
import type { AlertRoute, OutboxRepository } from '../../src/alerts/repository.ts';
import { parseWebhookBody, type AlertEvent } from '../../src/alerts/schemas.ts';
import { fixture, fixtureWebhook, withdrawalBody, type FixtureName } from '../support/webhooks.ts';
import { databasePerTest, type NewTestDatabase } from './contracts.ts';

/** A fixture's event (about `user` when given, under both names), or a withdrawal body's. */
function event(name: FixtureName | Record<string, unknown>, user?: string): AlertEvent {
  const about = user === undefined ? {} : { old_dart_user_name: user, new_dart_user_name: user };
  const parsed =
    typeof name === 'string'
      ? parseWebhookBody(fixtureWebhook(name), { ...fixture(name), ...about })
      : parseWebhookBody('trade-script-withdrawal', name);
  if (!parsed.ok) throw new Error(`${parsed.field} ${parsed.problem}`);
  return parsed.event;
}

const ALL: AlertRoute[] = ['alerts', 'withdrawals'];
const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, seconds));
/** Long enough that no lease runs out during a test, however slow the machine. */
const HELD = 600_000;

async function addWithdrawals(outbox: OutboxRepository, count: number, route: AlertRoute = 'withdrawals', prefix = 'user') {
  const added = [];
  for (let i = 0; i < count; i += 1)
    added.push(await outbox.add({ event: event(withdrawalBody(`${prefix}${i}`)), route, receivedAt: at(i) }));
  return added.map((alert) => alert.id);
}

export function outboxContract(newDatabase: NewTestDatabase): void {
  describe('OutboxRepository: claims', () => {
    const database = databasePerTest(newDatabase);

    it('two instances never hold the same channel queue at once, not even its unclaimed tail', async () => {
      const [one, two] = [(await database.open()).outbox, (await database.open()).outbox];
      const ids = await addWithdrawals(one, 5);
      const claimed = await one.claim({ routes: ALL, owner: 'one', leaseMs: HELD, limit: 3 });
      expect(claimed.map((alert) => alert.event.newUserName)).toEqual(['user0', 'user1', 'user2']);
      expect(claimed.map((alert) => [alert.id, alert.attempts, alert.status])).toEqual(ids.slice(0, 3).map((id) => [id, 1, 'pending']));
      expect(await two.claim({ routes: ALL, owner: 'two', leaseMs: HELD, limit: 3 })).toEqual([]);
      expect(await two.claim({ routes: ['withdrawals'], owner: 'two', leaseMs: HELD, limit: 3 })).toEqual([]);
      // The owner itself may go on (its own lease does not hold it back).
      expect((await one.claim({ routes: ALL, owner: 'one', leaseMs: HELD, limit: 10 })).map((alert) => alert.id)).toEqual(ids);
    });

    it('a lease that runs out is taken over, on the repository’s own clock', async () => {
      const [one, two] = [(await database.open()).outbox, (await database.open()).outbox];
      const ids = await addWithdrawals(one, 2);
      expect(await one.claim({ routes: ALL, owner: 'one', leaseMs: 1, limit: 1 })).toHaveLength(1);
      // The first instance died mid-post: once its lease runs out, the head is claimed again.
      let retaken = await two.claim({ routes: ALL, owner: 'two', leaseMs: HELD, limit: 10 });
      for (let tries = 0; retaken.length === 0 && tries < 100; tries += 1) {
        await sleep(20);
        retaken = await two.claim({ routes: ALL, owner: 'two', leaseMs: HELD, limit: 10 });
      }
      expect(retaken.map((alert) => [alert.id, alert.attempts])).toEqual([
        [ids[0], 2],
        [ids[1], 1],
      ]);
    });

    it('delivered and dead events leave the queue; released ones come back first, with why', async () => {
      const { outbox } = await database.open();
      await addWithdrawals(outbox, 3);
      const [first, second] = await outbox.claim({ routes: ALL, owner: 'me', leaseMs: HELD, limit: 2 });
      await outbox.markDelivered([first!.id], '1700000000.000100', at(10));
      await outbox.release([second!.id], 'me', 'http_500');
      await outbox.release([second!.id], 'someone-else', 'not theirs');
      const next = await outbox.claim({ routes: ALL, owner: 'other', leaseMs: HELD, limit: 1 });
      expect(next.map((alert) => [alert.id, alert.lastError, alert.attempts])).toEqual([[second!.id, 'http_500', 2]]);
      await outbox.markDead([second!.id], 'channel_not_found');
      expect(await outbox.stats(at(20))).toEqual({ depth: 1, oldestAgeSeconds: 18, dead: 1 });
      expect(await outbox.redriveDead()).toBe(1);
      expect(await outbox.redriveDead()).toBe(0);
      expect(await outbox.stats(at(20))).toEqual({ depth: 2, oldestAgeSeconds: 19, dead: 0 });
      const [delivered] = await outbox.eventsFor(['user0'], { limit: 1 });
      expect(delivered).toMatchObject({ status: 'delivered', slackTs: '1700000000.000100' });
      expect(await outbox.stats(at(20)).then(() => outbox.claim({ routes: ALL, owner: 'other', leaseMs: HELD, limit: 5 }))).toHaveLength(2);
    });

    it('releaseAll gives the queue back at once', async () => {
      const [one, two] = [(await database.open()).outbox, (await database.open()).outbox];
      await addWithdrawals(one, 2);
      await one.claim({ routes: ALL, owner: 'one', leaseMs: HELD, limit: 1 });
      expect(await two.claim({ routes: ALL, owner: 'two', leaseMs: HELD, limit: 5 })).toEqual([]);
      await one.releaseAll('one');
      expect(await two.claim({ routes: ALL, owner: 'two', leaseMs: HELD, limit: 5 })).toHaveLength(2);
    });

    it('only the routes asked for are claimed, and a held queue holds back only its own routes', async () => {
      const { outbox } = await database.open();
      await outbox.add({ event: event('activate'), route: 'alerts', receivedAt: at(0) });
      await outbox.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1) });
      const claimed = await outbox.claim({ routes: ['withdrawals'], owner: 'me', leaseMs: HELD, limit: 10 });
      expect(claimed.map((alert) => alert.event.kind)).toEqual(['withdrawal']);
      expect(
        (await outbox.claim({ routes: ['alerts'], owner: 'other', leaseMs: HELD, limit: 10 })).map((alert) => alert.event.kind),
      ).toEqual(['activated']);
    });

    it('under concurrent claims by several handles on two channels: no duplicate, none out of order, no overlapping hold', async () => {
      const handles = await Promise.all(Array.from({ length: 4 }, () => database.open()));
      const lanes: AlertRoute[][] = [['alerts'], ['withdrawals']];
      const perLane = 30;
      const expected = new Map<string, number[]>();
      for (const [index, routes] of lanes.entries()) {
        const outbox = handles[index]!.outbox;
        expected.set(routes.join(), await addWithdrawals(outbox, perLane, routes[0], `lane${index}-`));
      }
      const delivered = new Map<string, number[]>(lanes.map((routes) => [routes.join(), []]));
      const holder = new Map<string, string | undefined>();
      const overlaps: string[] = [];
      const worker = async (handle: number, routes: AlertRoute[]) => {
        const { outbox } = handles[handle]!;
        const lane = routes.join();
        const owner = `worker-${handle}-${lane}`;
        for (let round = 0; delivered.get(lane)!.length < perLane && round < 2000; round += 1) {
          const claimed = await outbox.claim({ routes, owner, leaseMs: HELD, limit: 1 + (round % 4) });
          if (claimed.length === 0) {
            await sleep(round % 3);
            continue;
          }
          if (holder.get(lane) !== undefined) overlaps.push(`${owner} claimed while ${holder.get(lane)} held ${lane}`);
          holder.set(lane, owner);
          delivered.get(lane)!.push(...claimed.map((alert) => alert.id));
          await sleep(round % 2);
          holder.set(lane, undefined);
          // Half the time the post "fails" and the events are given back, to be claimed again.
          if (round % 5 === 4) {
            delivered.get(lane)!.splice(-claimed.length);
            await outbox.release(
              claimed.map((alert) => alert.id),
              owner,
              'http_500',
            );
          } else {
            await outbox.markDelivered(
              claimed.map((alert) => alert.id),
              `ts-${round}`,
              at(0),
            );
          }
        }
      };
      await Promise.all(handles.flatMap((_, handle) => lanes.map((routes) => worker(handle, routes))));
      expect(overlaps).toEqual([]);
      for (const [lane, ids] of expected) expect(delivered.get(lane)).toEqual(ids);
      for (const { outbox } of handles) expect((await outbox.stats(at(0))).depth).toBe(0);
    });
  });

  describe('OutboxRepository: intake', () => {
    const database = databasePerTest(newDatabase);

    it('a repeated delivery id is not stored again, even from another handle; no id means no dedup', async () => {
      const [one, two] = [(await database.open()).outbox, (await database.open()).outbox];
      const first = await one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(0), deliveryId: 'abc' });
      expect(first.added).toBe(true);
      expect(await two.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'abc' })).toEqual({
        added: false,
        id: first.id,
      });
      const concurrent = await Promise.all(
        [one, two, one, two].map((outbox) =>
          outbox.add({ event: event('exit'), route: 'withdrawals', receivedAt: at(2), deliveryId: 'xyz' }),
        ),
      );
      expect(concurrent.filter((stored) => stored.added)).toHaveLength(1);
      expect(new Set(concurrent.map((stored) => stored.id)).size).toBe(1);
      expect((await one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(3) })).added).toBe(true);
      expect((await one.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(4) })).added).toBe(true);
      expect((await one.stats(at(5))).depth).toBe(4);
    });

    it('a delivery id reused by a different event is stored as a new event, naming the first; its own retry stays a repeat', async () => {
      const { outbox } = await database.open();
      const first = await outbox.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(0), deliveryId: 'd-1' });
      const other = await outbox.add({ event: event('activate'), route: 'alerts', receivedAt: at(1), deliveryId: 'd-1' });
      expect(other).toEqual({ added: true, id: other.id, conflictsWith: first.id });
      expect(other.id).toBeGreaterThan(first.id);
      expect(await outbox.add({ event: event('activate'), route: 'alerts', receivedAt: at(2), deliveryId: 'd-1' })).toEqual({
        added: false,
        id: other.id,
      });
      const [stored] = await outbox.claim({ routes: ['alerts'], owner: 'me', leaseMs: HELD, limit: 1 });
      expect(stored).toMatchObject({ id: other.id, deliveryId: 'd-1', route: 'alerts', receivedAt: at(1) });
    });

    it('reads an event back as stored, optional fields absent when not set', async () => {
      const { outbox } = await database.open();
      const { id } = await outbox.add({ event: event('update'), route: 'alerts', receivedAt: at(1) });
      const [stored] = await outbox.eventsFor(['billyjoel'], { limit: 1 });
      expect(stored).toEqual({ id, event: event('update'), route: 'alerts', receivedAt: at(1), status: 'pending', attempts: 0 });
    });

    it('finds events by old or new user name, newest first, with a limit and a before cursor', async () => {
      const { outbox } = await database.open();
      await outbox.add({ event: event('activate'), route: 'alerts', receivedAt: at(1) });
      await outbox.add({ event: event('update'), route: 'alerts', receivedAt: at(2) }); // billyjoel → billy
      await outbox.add({ event: event(withdrawalBody('billy')), route: 'withdrawals', receivedAt: at(3) });
      await outbox.add({ event: event(withdrawalBody('someoneelse')), route: 'withdrawals', receivedAt: at(4) });
      const kinds = async (names: string[], options: { limit: number; before?: Date }) =>
        (await outbox.eventsFor(names, options)).map((alert) => alert.event.kind);
      expect(await kinds(['billyjoel'], { limit: 10 })).toEqual(['updated', 'activated']);
      expect(await kinds(['billy'], { limit: 10 })).toEqual(['withdrawal', 'updated']);
      expect(await kinds(['billy', 'billyjoel'], { limit: 10 })).toEqual(['withdrawal', 'updated', 'activated']);
      expect((await outbox.eventsFor(['billy'], { limit: 1 })).map((alert) => alert.receivedAt)).toEqual([at(3)]);
      expect(await kinds(['billy'], { limit: 10, before: at(3) })).toEqual(['updated']);
      expect(await kinds(['nobody'], { limit: 10 })).toEqual([]);
    });

    it('finds the latest event of some kinds under any of some names, and the renames touching some names', async () => {
      const { outbox } = await database.open();
      await outbox.add({ event: event('activate'), route: 'alerts', receivedAt: at(1) });
      const deactivated = await outbox.add({ event: event('deactivate'), route: 'alerts', receivedAt: at(2) });
      await outbox.add({ event: event('update'), route: 'alerts', receivedAt: at(3) }); // billyjoel → billy
      const activatedAsBilly = await outbox.add({ event: event('activate', 'billy'), route: 'alerts', receivedAt: at(4) });
      // Same time, stored later: the newest.
      const tiedNewer = await outbox.add({ event: event('deactivate', 'billy'), route: 'alerts', receivedAt: at(4) });
      const account = ['activated', 'deactivated'] as const;
      expect((await outbox.latestOf(['billyjoel'], account))?.id).toBe(deactivated.id);
      expect((await outbox.latestOf(['billyjoel', 'billy'], ['activated']))?.id).toBe(activatedAsBilly.id);
      expect((await outbox.latestOf(['billyjoel', 'billy'], account))?.id).toBe(tiedNewer.id);
      expect(await outbox.latestOf(['billyjoel', 'billy'], ['withdrawal'])).toBeUndefined();
      expect(await outbox.latestOf(['nobody'], account)).toBeUndefined();
      // Only strictly inside a time window, when one is given.
      expect((await outbox.latestOf(['billyjoel', 'billy'], account, { before: at(4) }))?.id).toBe(deactivated.id);
      expect((await outbox.latestOf(['billyjoel', 'billy'], account, { after: at(2) }))?.id).toBe(tiedNewer.id);
      expect(await outbox.latestOf(['billyjoel', 'billy'], account, { after: at(2), before: at(4) })).toBeUndefined();
      // A rename repeated (DART's retry under another delivery id) is one rename, from when it was first received.
      await outbox.add({ event: event('update'), route: 'alerts', receivedAt: at(5) });
      const rename = { from: 'billyjoel', to: 'billy', at: at(3) };
      expect(await outbox.renamesTouching(['billy'])).toEqual([rename]);
      expect(await outbox.renamesTouching(['billyjoel', 'billy'])).toEqual([rename]);
      expect(await outbox.renamesTouching(['nobody'])).toEqual([]);
    });

    it('group commit: events arriving together are stored in one transaction, each answered with its own id', async () => {
      const { outbox } = await database.open();
      const writer = new GroupCommit(outbox);
      const results = await Promise.all([
        writer.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'd-1' }),
        writer.add({ event: event('activate'), route: 'alerts', receivedAt: at(1) }),
        writer.add({ event: event('withdrawal'), route: 'withdrawals', receivedAt: at(1), deliveryId: 'd-1' }),
      ]);
      expect(results.map((result) => result.added)).toEqual([true, true, false]);
      expect(results[2]?.id).toBe(results[0]?.id);
      expect((await outbox.stats(at(2))).depth).toBe(2);
    });

    it('group commit: when the transaction fails, every caller in the batch gets the error and nothing is stored', async () => {
      const { outbox } = await database.open();
      const writer = new GroupCommit(outbox);
      // An event the outbox cannot hold (it has no kind) fails the whole batch.
      const broken = { event: { ...event('activate'), kind: null } as unknown as AlertEvent, route: 'alerts' as const, receivedAt: at(1) };
      const results = await Promise.allSettled([
        writer.add({ event: event('exit'), route: 'withdrawals', receivedAt: at(1) }),
        writer.add(broken),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      expect((await outbox.stats(at(2))).depth).toBe(0);
    });
  });
}
