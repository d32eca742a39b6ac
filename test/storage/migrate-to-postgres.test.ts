import { execFile } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookBody, type AlertEvent } from '../../src/alerts/schemas.ts';
import type { Standins } from '../../src/sandbox/standins.ts';
import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { startChildApp } from '../support/child-app.ts';
import { CHANNELS } from '../support/harness.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ROOT, stopChildren } from '../support/processes.ts';
import { expectShownOnceInOrder, shownUsers, startRelayStandins, userNames, withdrawalBody } from '../support/webhooks.ts';

let standins: Standins;
const databases: Array<{ drop(): Promise<void> }> = [];
beforeAll(async () => {
  standins = await startRelayStandins();
});
afterEach(async () => {
  await stopChildren();
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});
afterAll(() => standins.stop());

async function database(): Promise<string> {
  const created = await createTestDatabase();
  databases.push(created);
  return created.url;
}

/** `npm run migrate-to-postgres -- <file>` with DATABASE_URL, as an operator runs it. */
function migrate(file: string, url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/migrate-to-postgres.ts'), file],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: url }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function withdrawal(user: string): AlertEvent {
  const parsed = parseWebhookBody('trade-script-withdrawal', withdrawalBody(user));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.event;
}

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, minutes));

/** A transfer to billyjoel confirmed and answered at `when`, as the app would have stored it. */
async function settledTransfer(storage: Storage, id: string, amount: string, outcome: 'succeeded' | 'unknown', when: Date) {
  await storage.transfers.create({
    id,
    customer: 'billyjoel',
    customerName: 'Billy Joel',
    amount,
    needsApproval: false,
    requestedBy: 'U0TREASU01',
    requestedAt: when,
    expiresAt: new Date(when.getTime() + 600_000),
  });
  const message = { channel: CHANNELS.ops, ts: `1700000000.${id.length}${amount.length}` };
  await storage.transfers.attachMessage(id, message.channel, message.ts);
  await storage.transfers.startExecution(id, { kind: 'confirm', actor: 'U0TREASU01', executor: 'old', now: when, message }, []);
  const finished = await storage.transfers.finish(id, 'old', outcome, 'DART answered', when);
  if (!finished) throw new Error(`transfer ${id} did not finish`);
  return finished;
}

/** Two script runs (up to 60 s each) and an app start: more than the default 30 s on a loaded machine (seen once). */
const MOVE_TIMEOUT = { timeout: 180_000 };

describe('npm run migrate-to-postgres', () => {
  it(
    'carries the audit log, every webhook event as its delivery stood, reminders, transfers (still counted toward the daily limits) and the freeze; the first instance on PostgreSQL posts what was pending',
    MOVE_TIMEOUT,
    async () => {
      const file = standins.databasePath();
      const users = userNames('moved', 5);
      const reminder = {
        customer: 'billyjoel',
        channel: CHANNELS.ops,
        scheduledMessageId: 'Q0REMIND1',
        postAt: new Date(Date.now() + 86_400_000),
      };
      const audit = [
        {
          action: 'customer.update',
          customer: 'billyjoel',
          requestedBy: 'U0OPERAT01',
          sent: { email: 'b@example.com' },
          outcome: 'succeeded',
          at: at(1),
        },
        {
          action: 'transfer.execute',
          customer: 'billyjoel',
          requestedBy: 'U0TREASU01',
          confirmedBy: 'U0TREASU01',
          sent: { amount: '50.00' },
          outcome: 'unknown',
          dartAnswer: 'timeout',
          at: at(2),
        },
        { action: 'tsp.suspend', customer: 'adaline', requestedBy: 'U0OPERAT01', sent: {}, outcome: 'failed', at: at(3) },
      ] as const;
      const sqlite = await openStorage({ DATABASE_PATH: file });
      for (const entry of audit) await sqlite.audit.append(entry);
      await sqlite.outbox.addAll(
        users.map((user, index) => ({
          event: withdrawal(user),
          route: 'withdrawals',
          receivedAt: at(10 + index),
          deliveryId: `d-${user}`,
        })),
      );
      // Two were posted (one digest), one was refused for good, two wait.
      const claim = (limit: number) => sqlite.outbox.claim({ routes: ['withdrawals'], owner: 'old', leaseMs: 60_000, limit });
      await sqlite.outbox.markDelivered(
        (await claim(2)).map((alert) => alert.id),
        '1700000000.000100',
        at(20),
      );
      await sqlite.outbox.markDead(
        (await claim(1)).map((alert) => alert.id),
        'not_in_channel',
      );
      await sqlite.reminders.put(reminder);
      // What went out an hour ago still counts toward today's limits; a resolved unknown is settled; the freeze holds.
      const recent = new Date(Date.now() - 3_600_000);
      const sent = await settledTransfer(sqlite, 'tr-sent-1', '120.00', 'succeeded', recent);
      const resolved = await settledTransfer(sqlite, 'tr-unknown-1', '80.00', 'unknown', recent);
      const resolvedNow = await sqlite.transfers.resolve(resolved.id, { outcome: 'sent', by: 'U0TREASU02', at: recent, note: 'in DART' });
      const freeze = { by: 'U0TREASU01', at: recent, reason: 'quarter-end audit' };
      await sqlite.transfers.freeze(freeze);
      await sqlite.close();

      const url = await database();
      const run = await migrate(file, url);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('copied 3 audit entries, 5 webhook events (2 delivered, 2 pending, 1 dead), 1 reminders, 2 transfers');
      expect(run.stdout).toContain('transfers were frozen and stay frozen');
      expect(run.stdout).not.toContain(decodeURIComponent(new URL(url).password));

      const moved = await openStorage({ DATABASE_PATH: file, DATABASE_URL: url });
      try {
        const entries = await moved.audit.forCustomer(['billyjoel', 'adaline'], { limit: 10 });
        expect(entries.map(({ id: _id, ...entry }) => entry)).toEqual([...audit].reverse());
        const events = await moved.outbox.eventsFor(users, { limit: 10 });
        expect(events.map((alert) => [alert.event.newUserName, alert.status, alert.slackTs, alert.deliveryId, alert.receivedAt])).toEqual(
          users
            .map((user, index) => [
              user,
              ['delivered', 'delivered', 'dead', 'pending', 'pending'][index],
              index < 2 ? '1700000000.000100' : undefined,
              `d-${user}`,
              at(10 + index),
            ])
            .reverse(),
        );
        expect(await moved.outbox.stats(new Date())).toMatchObject({ depth: 2, dead: 1 });
        expect(await moved.reminders.get('billyjoel')).toEqual(reminder);
        expect([await moved.transfers.get(sent.id), await moved.transfers.get(resolved.id)]).toEqual([sent, resolvedNow]);
        expect(await moved.transfers.spentSince(new Date(Date.now() - 86_400_000))).toMatchObject({ cents: 20000n });
        expect(await moved.transfers.currentFreeze()).toEqual(freeze);
      } finally {
        await moved.close();
      }

      // Started on PostgreSQL, the app posts the waiting events (and the dead one, set back at start), in order; never the delivered ones again.
      await startChildApp({
        SLACK_API_URL: standins.slack.apiUrl,
        DART_API_URL: standins.dart.url,
        DART_WITHDRAWAL_CHANNEL: CHANNELS.withdrawals,
        DATABASE_PATH: undefined,
        DATABASE_URL: url,
      });
      await expectShownOnceInOrder(standins.slack, users.slice(2), 30_000, CHANNELS.withdrawals);
      expect(shownUsers(standins.slack, CHANNELS.withdrawals, users.slice(0, 2))).toEqual([]);

      const again = await migrate(file, url);
      expect(again.code, again.stdout).toBe(1);
      expect(again.stderr).toContain('nothing was copied: the PostgreSQL database already holds history');
    },
  );

  it('failing part-way leaves what it copied frozen, and a second run is refused before it writes anything', MOVE_TIMEOUT, async () => {
    const file = standins.databasePath();
    const sqlite = await openStorage({ DATABASE_PATH: file });
    const sent = await settledTransfer(sqlite, 'tr-sent-2', '120.00', 'succeeded', new Date(Date.now() - 3_600_000));
    await sqlite.transfers.freeze({ by: 'U0TREASU01', at: new Date(), reason: 'fraud suspected' });
    await sqlite.close();
    const url = await database();
    // The tables as an instance would make them, then the database refuses transfers once (a connection lost, say).
    await (await openStorage({ DATABASE_PATH: file, DATABASE_URL: url })).close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'connection lost'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON transfers FOR EACH ROW EXECUTE FUNCTION refuse();`);
      const failed = await migrate(file, url);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('failed part-way');
      await admin.query('DROP TRIGGER refuse ON transfers');
    } finally {
      await admin.end();
    }
    const target = await openStorage({ DATABASE_PATH: file, DATABASE_URL: url });
    try {
      expect(await target.transfers.get(sent.id)).toBeUndefined();
      expect(await target.transfers.currentFreeze()).toMatchObject({ reason: 'fraud suspected' });
    } finally {
      await target.close();
    }
    const again = await migrate(file, url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing was copied: the PostgreSQL database already holds history (a freeze)');
  });

  it('refuses a file with a transfer still open, and writes nothing', async () => {
    const file = standins.databasePath();
    const sqlite = await openStorage({ DATABASE_PATH: file });
    const open = await sqlite.transfers.create({
      id: 'tr-open-1',
      customer: 'billyjoel',
      customerName: 'Billy Joel',
      amount: '75',
      needsApproval: false,
      requestedBy: 'U0TREASU01',
      requestedAt: new Date(),
      expiresAt: new Date(Date.now() + 600_000),
    });
    await sqlite.audit.append({
      action: 'transfer.request',
      customer: 'billyjoel',
      requestedBy: 'U0TREASU01',
      sent: {},
      outcome: 'recorded',
      at: new Date(),
    });
    await sqlite.close();

    const url = await database();
    const run = await migrate(file, url);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toContain(`nothing was copied: 1 transfer(s) are not finished (${open.id}: 75.00 to billyjoel, requested)`);
    const target = await openStorage({ DATABASE_PATH: file, DATABASE_URL: url });
    try {
      expect(await target.audit.forCustomer('billyjoel', { limit: 1 })).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
