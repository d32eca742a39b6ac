import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackRequests } from '../../src/sandbox/slack/requests.ts';
import type { Standins } from '../../src/sandbox/standins.ts';
import { startChildApp, type ChildApp } from '../support/child-app.ts';
import { CHANNELS, SECRETS, USERS } from '../support/harness.ts';
import { stopChildren } from '../support/processes.ts';
import {
  expectShownOnceInOrder,
  fixture,
  FIXTURE_PATHS,
  health,
  postWebhook,
  startRelayStandins,
  userNames,
  waitUntil,
  withdrawalBody,
} from '../support/webhooks.ts';
import { click, messageShowing, requestTransfer, transferCalls, type Parties, type PostedTransfer } from '../transfers/support.ts';

/** One database the instances of a test share, on either engine. */
interface SharedDatabase {
  /** What each instance is given to reach it (undefined removes a base variable). */
  env: Record<string, string | undefined>;
  drop(): Promise<void>;
}

/** An engine the same two-process tests run on. */
export interface Engine {
  name: string;
  /** The engine as `/healthz` names it, so each test knows which one it ran on. */
  health: string;
  /**
   * Every migration, when the engine logs the ones each start applied (`migrationsApplied`),
   * so a test can see that instances starting together applied each exactly once.
   */
  loggedMigrations?: readonly string[];
  /** A fresh, empty database (`scratch` is a folder removed after the file). */
  create(scratch: string): Promise<SharedDatabase>;
}

/** One app process (`node src/main.ts`), with signed Slack requests aimed at it. */
type Instance = ChildApp & Parties;

// Generous bounds: two app processes and the stand-ins share a busy 2-core machine. An
// event a killed instance held waits for its lease (20 s) before another takes it.
const DELIVERED_WITHIN_MS = 30_000;
const AFTER_A_LEASE_MS = 60_000;

/**
 * The end-to-end rules of several instances (the product specification: one DART call per confirmed
 * transfer, each webhook posted once and in order per channel, whatever request lands
 * where and whichever instance is killed or restarted), with TWO real app processes on
 * one database, one Slack stand-in and one DART sandbox.
 */
export function twoProcessSuite(engine: Engine): void {
  describe(`two app processes on ${engine.name}`, { timeout: 120_000 }, () => {
    let standins: Standins;
    const databases: SharedDatabase[] = [];

    beforeAll(async () => {
      standins = await startRelayStandins();
    });
    afterEach(async () => {
      await stopChildren();
      await Promise.all(databases.splice(0).map((database) => database.drop()));
      standins.slack.reset();
      standins.dart.setLatency(0);
    });
    afterAll(async () => {
      await standins.stop();
    });

    async function database(): Promise<SharedDatabase> {
      const created = await engine.create(standins.scratch);
      databases.push(created);
      return created;
    }

    async function instance(shared: SharedDatabase, env: Record<string, string> = {}): Promise<Instance> {
      const { slack, dart } = standins;
      const app = await startChildApp({
        SLACK_API_URL: slack.apiUrl,
        DART_API_URL: dart.url,
        DART_WITHDRAWAL_CHANNEL: CHANNELS.withdrawals,
        ...env,
        ...shared.env,
      });
      const requests = new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: slack });
      expect((await health(app.url)).body.database).toBe(engine.health);
      return Object.assign(app, { requests, slack, dart });
    }

    /** SIGTERM, and the graceful drain ends with exit code 0. */
    async function stopGracefully(app: Instance): Promise<void> {
      app.child.kill('SIGTERM');
      expect(await app.exited, app.output).toBe(0);
    }

    /** Presses Confirm and waits until the confirmation shows the transfer done. */
    async function confirmOn(app: Instance, posted: PostedTransfer): Promise<void> {
      expect((await click(app, USERS.treasurer, 'confirm', posted)).status).toBe(200);
      await messageShowing(app, posted, 'Transferred', DELIVERED_WITHIN_MS);
    }

    it('Confirm clicks split across both instances make exactly one DART call per transfer', async () => {
      const shared = await database();
      const [a, b] = [await instance(shared), await instance(shared)];
      // DART answers slowly, so the clicks overlap while the first one's call is under way.
      standins.dart.setLatency(300);
      const before = transferCalls(a).length;
      const amounts = ['71', '72', '73'];
      for (const [index, amount] of amounts.entries()) {
        const { posted } = await requestTransfer(index % 2 === 0 ? a : b, `billyjoel ${amount}`);
        const clicks = await Promise.all([a, b, a, b, a, b].map((app) => click(app, USERS.treasurer, 'confirm', posted)));
        expect(clicks.map((sent) => sent.status)).toEqual(clicks.map(() => 200));
        await messageShowing(a, posted, 'Transferred', DELIVERED_WITHIN_MS);
      }
      expect(
        transferCalls(a)
          .slice(before)
          .map((call) => call.json),
      ).toEqual(amounts.map((amount) => ({ userId: 'billyjoel', amount: `${amount}.00` })));
    });

    it('a large transfer asked on one instance is approved on the other, once', async () => {
      const shared = await database();
      const [a, b] = [await instance(shared), await instance(shared)];
      const before = transferCalls(a).length;
      const { posted } = await requestTransfer(a, 'adaline 1500');
      expect(JSON.stringify(posted.blocks)).toContain('transfer.approve');
      const clicks = await Promise.all([click(b, USERS.treasurer2, 'approve', posted), click(b, USERS.treasurer2, 'approve', posted)]);
      expect(clicks.map((sent) => sent.status)).toEqual([200, 200]);
      const shown = await messageShowing(b, posted, 'Transferred', DELIVERED_WITHIN_MS);
      expect(shown).toContain(`<@${USERS.treasurer2.id}>`);
      expect(
        transferCalls(a)
          .slice(before)
          .map((call) => call.json),
      ).toEqual([{ userId: 'adaline', amount: '1500.00' }]);
    });

    it('webhooks posted alternately to both are each posted to Slack once, in order per channel', async () => {
      const shared = await database();
      const apps = [await instance(shared), await instance(shared)];
      const withdrawals = userNames('alt-w', 12);
      const activations = userNames('alt-a', 12);
      // Two channels (withdrawals, alerts), the events of both interleaved, each sent to the next instance in turn.
      for (const [index, user] of withdrawals.entries()) {
        const activated = activations[index]!;
        const sent = [
          await postWebhook(apps[0]!.url, FIXTURE_PATHS.withdrawal, withdrawalBody(user)),
          await postWebhook(apps[1]!.url, FIXTURE_PATHS.activate, {
            ...fixture('activate'),
            old_dart_user_name: activated,
            new_dart_user_name: activated,
          }),
        ];
        expect(sent.map((answer) => answer.status)).toEqual([200, 200]);
        apps.reverse();
      }
      await expectShownOnceInOrder(standins.slack, withdrawals, DELIVERED_WITHIN_MS, CHANNELS.withdrawals);
      await expectShownOnceInOrder(standins.slack, activations, DELIVERED_WITHIN_MS, CHANNELS.alerts);
    });

    it('killed (SIGKILL) while retrying pending events through a Slack outage: the other instance delivers them once, in order', {
      timeout: 150_000,
    }, async () => {
      const shared = await database();
      const [a, b] = [await instance(shared), await instance(shared)];
      standins.slack.setDown(true);
      const users = userNames('killed', 10);
      for (const [index, user] of users.entries()) {
        expect((await postWebhook([a, b][index % 2]!.url, FIXTURE_PATHS.withdrawal, withdrawalBody(user))).status).toBe(200);
      }
      // Kill the instance that holds the events: the one whose attempt Slack just refused.
      const holder = await waitUntil(
        'a failed delivery attempt',
        () => [a, b].find((app) => app.output.includes('alert not delivered yet')),
        DELIVERED_WITHIN_MS,
      );
      const survivor = holder === a ? b : a;
      holder.child.kill('SIGKILL');
      await holder.exited;
      standins.slack.setDown(false);
      await expectShownOnceInOrder(standins.slack, users, AFTER_A_LEASE_MS, CHANNELS.withdrawals);
      await waitUntil('an empty outbox', async () => (await health(survivor.url)).body.outbox.depth === 0, DELIVERED_WITHIN_MS);
    });

    it('killed (SIGKILL) in the middle of a post: after its lease the other instance posts its events, once, in order', {
      timeout: 150_000,
    }, async () => {
      const shared = await database();
      // At debug level each instance logs the Slack calls it starts, so the one posting is known.
      const [a, b] = [await instance(shared, { LOG_LEVEL: 'debug' }), await instance(shared, { LOG_LEVEL: 'debug' })];
      // Slack holds every post on the way, so the instance that claims the channel's queue is mid-post.
      standins.slack.injectFault('chat.postMessage', { kind: 'stall', ms: 600_000 }, 1000);
      const users = userNames('midpost', 6);
      for (const [index, user] of users.entries()) {
        expect((await postWebhook([a, b][index % 2]!.url, FIXTURE_PATHS.withdrawal, withdrawalBody(user))).status).toBe(200);
      }
      // Only the holder of the channel's queue posts; the other cannot claim it meanwhile.
      const holder = await waitUntil(
        'an instance holding the queue while its post is under way',
        () => (standins.slack.stalled > 0 ? [a, b].find((app) => app.output.includes("apiCall('chat.postMessage') start")) : undefined),
        DELIVERED_WITHIN_MS,
      );
      expect([a, b].filter((app) => app.output.includes("apiCall('chat.postMessage') start"))).toEqual([holder]);
      holder.child.kill('SIGKILL');
      await holder.exited;
      // Slack answers at once again; the killed post was never applied.
      standins.slack.reset();
      await expectShownOnceInOrder(standins.slack, users, AFTER_A_LEASE_MS, CHANNELS.withdrawals);
    });

    it('both started at the same moment on an empty database: each migration applied once, both serve', async () => {
      const shared = await database();
      const [a, b] = await Promise.all([instance(shared), instance(shared)]);
      // (SQLite records each migration under a primary key inside its write transaction: a
      // second application would have failed the start.)
      if (engine.loggedMigrations) {
        const applied = [a, b].flatMap((app) => migrationsAppliedBy(app.output));
        expect(applied.toSorted()).toEqual(engine.loggedMigrations.toSorted());
      }
      const users = userNames('twin', 4);
      for (const [index, user] of users.entries()) {
        expect((await postWebhook([a, b][index % 2]!.url, FIXTURE_PATHS.withdrawal, withdrawalBody(user))).status).toBe(200);
      }
      await expectShownOnceInOrder(standins.slack, users, DELIVERED_WITHIN_MS, CHANNELS.withdrawals);
      const before = transferCalls(a).length;
      await confirmOn(a, (await requestTransfer(b, 'billyjoel 12')).posted);
      expect(transferCalls(a).length).toBe(before + 1);
    });

    it('a rolling restart (A stopped while B serves, A again, then B) loses no request and doubles nothing', {
      timeout: 180_000,
    }, async () => {
      const shared = await database();
      let [a, b] = [await instance(shared), await instance(shared)];
      const balancer = new Balancer([a, b]);
      const before = transferCalls(a).length;

      // DART sends its webhooks without a pause all along, through the balancer.
      const delivered: string[] = [];
      let sending = true;
      const traffic = (async () => {
        for (let index = 1; sending; index += 1) {
          const user = `roll${String(index).padStart(4, '0')}`;
          await balancer.post(FIXTURE_PATHS.withdrawal, withdrawalBody(user), `rolling-${index}`);
          delivered.push(user);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();

      /** A transfer asked on `leaving` is confirmed on `staying` once `leaving` has stopped; then `leaving` comes back. */
      async function roll(leaving: Instance, staying: Instance, amount: string): Promise<Instance> {
        const { posted } = await requestTransfer(leaving, `billyjoel ${amount}`);
        await stopGracefully(leaving);
        balancer.remove(leaving);
        await confirmOn(staying, posted);
        const back = await instance(shared);
        balancer.add(back);
        return back;
      }
      a = await roll(a, b, '21');
      b = await roll(b, a, '22');

      await waitUntil('webhooks sent to the new B', () => balancer.answeredBy(b) > 0, DELIVERED_WITHIN_MS);
      sending = false;
      await traffic;
      expect(delivered.length).toBeGreaterThan(10);
      await expectShownOnceInOrder(standins.slack, delivered, DELIVERED_WITHIN_MS, CHANNELS.withdrawals);
      expect(
        transferCalls(a)
          .slice(before)
          .map((call) => call.json),
      ).toEqual([
        { userId: 'billyjoel', amount: '21.00' },
        { userId: 'billyjoel', amount: '22.00' },
      ]);
    });
  });
}

/** The migrations an instance's start applied, as its log says. */
function migrationsAppliedBy(output: string): string[] {
  const lines = output.split('\n').filter((line) => line.includes('"migrationsApplied"'));
  return lines.flatMap((line) => (JSON.parse(line) as { database: { migrationsApplied: string[] } }).database.migrationsApplied);
}

/**
 * What a load balancer in front of the instances does: each request to the next instance
 * in turn; one that cannot connect (the instance has closed its listener) goes to the next.
 * Each webhook carries a delivery id, as DART's retries would, so a request that failed
 * after it was stored is not stored twice when sent again.
 */
class Balancer {
  #members: Instance[];
  #turn = 0;
  readonly #answers = new Map<Instance, number>();

  constructor(members: Instance[]) {
    this.#members = [...members];
  }

  add(member: Instance): void {
    this.#members.push(member);
  }

  /** Takes an instance out (once it has exited: until then its drain still answers what it is sent). */
  remove(member: Instance): void {
    this.#members = this.#members.filter((other) => other !== member);
  }

  answeredBy(member: Instance): number {
    return this.#answers.get(member) ?? 0;
  }

  async post(path: string, body: Record<string, unknown>, deliveryId: string): Promise<void> {
    for (let attempt = 1; attempt <= 100; attempt += 1) {
      const target = this.#members[this.#turn++ % this.#members.length]!;
      const answer = await postWebhook(target.url, path, body, { headers: { 'webhook-id': deliveryId } }).catch(() => undefined);
      if (answer?.status === 200) {
        this.#answers.set(target, this.answeredBy(target) + 1);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no instance stored webhook ${deliveryId}`);
  }
}
