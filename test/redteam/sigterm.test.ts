import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { startChildApp } from '../support/child-app.ts';
import { CHANNELS, SECRETS, USERS } from '../support/harness.ts';
import { stopChildren } from '../support/processes.ts';
import { waitUntil } from '../support/webhooks.ts';
import { postedTransfer, type PostedTransfer } from '../transfers/support.ts';

// Red team: SIGTERM while a confirmed transfer waits for DART, then a restart on the same
// database and the same buttons pressed again. The transfer is paid once and its outcome kept.
let dart: DartSandbox;
let slack: SlackStandin;
let directory: string;
beforeAll(async () => {
  dart = createDartSandbox({ token: SECRETS.dartToken });
  slack = createSlackStandin({ botToken: SECRETS.botToken });
  await dart.start();
  await slack.start();
  directory = mkdtempSync(join(tmpdir(), 'dart-slack-redteam-'));
});
afterEach(async () => {
  await stopChildren();
  dart.setLatency(0);
  dart.clearFaults();
});
afterAll(async () => {
  await dart.stop();
  await slack.stop();
  rmSync(directory, { recursive: true, force: true });
});

async function app(file: string) {
  const child = await startChildApp({
    SLACK_API_URL: slack.apiUrl,
    DART_API_URL: dart.url,
    DART_TIMEOUT_MS: '3000',
    DATABASE_PATH: join(directory, file),
  });
  return {
    child,
    requests: new SlackRequests({ appUrl: `${child.url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: slack }),
  };
}

async function request(requests: SlackRequests, text: string): Promise<PostedTransfer> {
  const before = slack.callsTo('chat.postMessage').length;
  await requests.slashCommand(USERS.treasurer, `transfer ${text}`, { channelId: CHANNELS.ops });
  const post = await waitUntil(
    'the confirmation',
    () =>
      slack
        .callsTo('chat.postMessage')
        .slice(before)
        .find((call) => call.args.channel === CHANNELS.ops),
    10_000,
  );
  return postedTransfer(post);
}

function press(requests: SlackRequests, posted: PostedTransfer) {
  return requests.blockAction(
    USERS.treasurer,
    { action_id: 'transfer.confirm', value: posted.id },
    {
      channelId: posted.channel,
      message: { ts: posted.ts, blocks: posted.blocks, text: posted.text },
    },
  );
}

const shown = (posted: PostedTransfer) => JSON.stringify(slack.messages(posted.channel).find((message) => message.ts === posted.ts));
const calls = () => dart.callsTo('customer/transfer-amount').length;

describe('SIGTERM during a transfer’s DART call', () => {
  for (const [name, slow, outcome] of [
    ['DART answers within its timeout', () => dart.setLatency(1500), 'Transferred'],
    ['DART never answers', () => dart.injectFault({ kind: 'hang' }, { endpoint: 'customer/transfer-amount' }), 'Outcome unknown'],
  ] as const) {
    it(`${name}: the outcome is kept (${outcome}), the app exits 0, and after a restart nothing is re-sent`, async () => {
      const file = `${name.replaceAll(' ', '-')}.db`;
      const first = await app(file);
      const posted = await request(first.requests, 'billyjoel 42');
      const before = calls();
      slow();
      await press(first.requests, posted);
      await waitUntil('DART has the call', () => calls() === before + 1, 10_000);
      first.child.child.kill('SIGTERM');
      expect(await first.child.exited).toBe(0);
      expect(shown(posted)).toContain(outcome);
      dart.setLatency(0);

      const second = await app(file);
      const again = await press(second.requests, posted);
      const reply = await slack.waitForResponse((response) => response.id === again.responseId, 10_000);
      expect(JSON.stringify(reply.body)).toMatch(/already gone through|unknown/);
      expect(calls()).toBe(before + 1);
    });
  }
});

describe('a Confirm that arrives during the drain', () => {
  it('is refused 503 and changes nothing; after the restart the same click pays once', async () => {
    const first = await app('drain.db');
    const posted = await request(first.requests, 'billyjoel 43');
    const before = calls();
    // A slow lookup keeps the drain open long enough for the click to arrive during it.
    dart.setLatency(2000);
    await first.requests.slashCommand(USERS.viewer, 'balance billyjoel');
    await waitUntil('DART has the lookup', () => dart.callsTo('customer/usdc-balance').length > 0 && dart.inFlight > 0, 10_000);
    first.child.child.kill('SIGTERM');
    await waitUntil(
      'readyz 503',
      async () =>
        (await fetch(`${first.child.url}/readyz`).then(
          (response) => response.status,
          () => 0,
        )) === 503,
    );
    expect((await press(first.requests, posted)).status).toBe(503);
    expect(await first.child.exited).toBe(0);
    dart.setLatency(0);
    expect(calls()).toBe(before);

    const second = await app('drain.db');
    await press(second.requests, posted);
    await waitUntil('Transferred', () => shown(posted).includes('Transferred'), 10_000);
    expect(calls()).toBe(before + 1);
  });
});
