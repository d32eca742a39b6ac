import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { startChildApp } from '../support/child-app.ts';
import { CHANNELS, SECRETS, USERS } from '../support/harness.ts';
import { stopChildren } from '../support/processes.ts';
import { postedTransfer } from './support.ts';

// Two app processes on one SQLite file, as two instances of one deployment: the daily
// limit is checked in the one atomic move to executing, so two transfers that each fit
// but together exceed it never both execute, whichever process each click reaches.
let standins: Standins;

beforeAll(async () => {
  standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-slack-limit-processes-' });
});
afterEach(async () => {
  await stopChildren();
  standins.dart.setLatency(0);
});
afterAll(() => standins.stop());

async function processOn(file: string): Promise<SlackRequests> {
  const app = await startChildApp({
    SLACK_API_URL: standins.slack.apiUrl,
    DART_API_URL: standins.dart.url,
    DATABASE_PATH: file,
    TRANSFER_DAILY_LIMIT: '100',
  });
  return new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: standins.slack });
}

async function request(requests: SlackRequests, customer: string, amount: string) {
  const before = standins.slack.callsTo('chat.postMessage').length;
  await requests.slashCommand(USERS.treasurer, `transfer ${customer} ${amount}`, { channelId: CHANNELS.ops });
  const post = await standins.slack.waitForCall(
    'chat.postMessage',
    (call) => standins.slack.callsTo('chat.postMessage').indexOf(call) >= before && call.args.channel === CHANNELS.ops,
    8000,
  );
  return postedTransfer(post);
}

describe('two processes sharing one SQLite file', () => {
  it('confirms at the daily limit’s edge, one on each process: exactly one executes', async () => {
    const file = standins.databasePath();
    const [a, b] = await Promise.all([processOn(file), processOn(file)]);
    // Each round on another customer: after a round, its allowance is spent.
    for (const customer of ['billyjoel', 'adaline', 'grace']) {
      standins.slack.reset();
      standins.dart.calls.splice(0);
      const first = await request(a, customer, '60');
      const second = await request(b, customer, '60');
      standins.dart.setLatency(300);
      const press = (requests: SlackRequests, posted: typeof first) =>
        requests.blockAction(
          USERS.treasurer,
          { action_id: 'transfer.confirm', value: posted.id },
          { channelId: posted.channel, message: { ts: posted.ts, blocks: posted.blocks } },
        );
      await Promise.all([press(a, first), press(b, second), press(a, second), press(b, first)]);
      const outcome = (posted: typeof first) =>
        standins.slack
          .waitForCall('chat.update', (call) => call.args.ts === posted.ts && /Transferred|Refused/.test(JSON.stringify(call.args)), 8000)
          .then((call) => JSON.stringify(call.args));
      const shown = await Promise.all([outcome(first), outcome(second)]);
      expect(shown.filter((text) => text.includes('Transferred'))).toHaveLength(1);
      expect(shown.find((text) => text.includes('Refused'))).toContain('TRANSFER_DAILY_LIMIT');
      expect(standins.dart.callsTo('customer/transfer-amount')).toHaveLength(1);
      standins.dart.setLatency(0);
    }
  });
});
