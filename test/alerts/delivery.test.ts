import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackFault, SlackStandin } from '../../src/sandbox/slack/standin.ts';
import type { Standins } from '../../src/sandbox/standins.ts';
import { CHANNELS, SECRETS, startHarness, type Harness } from '../support/harness.ts';
import {
  blockMrkdwn,
  expectShownOnceInOrder,
  FAST_RETRIES,
  health,
  postWithdrawals,
  startRelayStandins,
  userNames,
  waitUntil,
} from '../support/webhooks.ts';

// Stand-ins shared by every app this file starts; each test gets its own database file.
let standins: Standins;
let slack: SlackStandin;
const running: Harness[] = [];
beforeAll(async () => {
  standins = await startRelayStandins();
  slack = standins.slack;
});
afterAll(() => standins.stop());
beforeEach(() => slack.reset());
afterEach(async () => {
  for (const app of running.splice(0)) await app.stop();
});

async function start(database: string): Promise<Harness> {
  const app = await startHarness({ slack, dart: standins.dart, env: { DATABASE_PATH: database }, alerts: FAST_RETRIES });
  running.push(app);
  return app;
}

describe('Slack failing', () => {
  it('is down for 8 seconds while 10 withdrawals arrive: each appears once, in order, once it is back', async () => {
    const app = await start(standins.databasePath());
    slack.setDown(true);
    const users = userNames('down', 10);
    await postWithdrawals(app.app.url, users);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    expect(slack.messages(CHANNELS.alerts)).toEqual([]);
    const during = await health(app.app.url);
    expect(during.body.outbox.depth).toBe(10);
    expect(during.body.outbox.oldestAgeSeconds).toBeGreaterThanOrEqual(7);
    expect(app.logs.join('')).toContain('alert not delivered yet; will retry');
    expect(app.logs.join('')).not.toContain(SECRETS.botToken);

    slack.setDown(false);
    await expectShownOnceInOrder(slack, users);
    expect((await health(app.app.url)).body.outbox).toEqual({ depth: 0, oldestAgeSeconds: 0, dead: 0 });
  });

  const transient: Array<{ name: string; fault: SlackFault; times: number }> = [
    { name: 'answers 500 three times', fault: { kind: 'status', status: 500 }, times: 3 },
    { name: 'drops the connection twice', fault: { kind: 'reset' }, times: 2 },
  ];
  for (const failure of transient) {
    it(`${failure.name}: retried, then shown once`, async () => {
      const app = await start(standins.databasePath());
      slack.injectFault('chat.postMessage', failure.fault, failure.times);
      await postWithdrawals(app.app.url, ['retried01']);
      await expectShownOnceInOrder(slack, ['retried01']);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(failure.times + 1);
    });
  }

  it('answers 429: the retry waits for Retry-After', async () => {
    const app = await start(standins.databasePath());
    slack.injectFault('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 2 });
    await postWithdrawals(app.app.url, ['limited01']);
    await expectShownOnceInOrder(slack, ['limited01']);
    const [refused, accepted] = slack.callsTo('chat.postMessage');
    expect(accepted!.at.getTime() - refused!.at.getTime()).toBeGreaterThanOrEqual(2000);
  });

  it.each(['invalid_blocks', 'msg_blocks_too_long'])(
    'refuses a digest for its content (%s): the events are posted one by one instead, none lost',
    async (refusal) => {
      const app = await start(standins.databasePath());
      slack.setDown(true);
      const users = userNames('content', 3);
      await postWithdrawals(app.app.url, users);
      // Past one backoff, so the next attempt carries all three as a digest.
      await new Promise((resolve) => setTimeout(resolve, 600));
      slack.injectFault('chat.postMessage', { kind: 'error', error: refusal });
      slack.setDown(false);
      await expectShownOnceInOrder(slack, users);
      expect((await health(app.app.url)).body.outbox.dead).toBe(0);
    },
  );
});

describe('bursts', () => {
  it('30 withdrawals under Slack’s one-message-per-second per channel: all shown once, in order, as digests', async () => {
    const app = await start(standins.databasePath());
    slack.setChannelRateLimit(1000);
    const users = userNames('burst', 30);
    await postWithdrawals(app.app.url, users);
    await expectShownOnceInOrder(slack, users, 15_000);
    const messages = slack.messages(CHANNELS.alerts);
    expect(messages.length).toBeLessThan(30);
    const digests = messages.filter((message) => String(message.text).includes('DART events'));
    expect(digests.length).toBeGreaterThan(0);
    for (const digest of digests) {
      expect(digest.blocks!.length).toBeLessThanOrEqual(50);
      for (const text of blockMrkdwn(digest)) expect(text.length).toBeLessThanOrEqual(3000);
    }
  });
});

describe('dead letters', () => {
  it('channel_not_found: moved aside, logged, reported by /healthz, and re-driven when the app starts again', async () => {
    const database = standins.databasePath();
    const first = await start(database);
    slack.injectFault('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await postWithdrawals(first.app.url, ['dead01']);
    const reported = await waitUntil('a dead event', async () => {
      const answer = await health(first.app.url);
      return answer.body.outbox.dead === 1 && answer;
    });
    expect(reported.body.outbox.depth).toBe(0);
    expect(first.logs.join('')).toContain('channel_not_found');
    expect(slack.messages(CHANNELS.alerts)).toEqual([]);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(database);
    await expectShownOnceInOrder(slack, ['dead01']);
    expect((await health(second.app.url)).body.outbox).toEqual({ depth: 0, oldestAgeSeconds: 0, dead: 0 });
  });
});

describe('several instances sharing one database', () => {
  it('never post the same event twice and keep the channel’s order', async () => {
    const database = standins.databasePath();
    const [a, b] = [await start(database), await start(database)];
    const users = userNames('shared', 20);
    await postWithdrawals([a.app.url, b.app.url], users);
    await expectShownOnceInOrder(slack, users, 15_000);
  });
});
