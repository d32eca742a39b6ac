import { afterEach, describe, expect, it } from 'vitest';
import { createDartSandbox } from '../../src/sandbox/dart/server.ts';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin } from '../../src/sandbox/slack/standin.ts';
import { startApp } from '../../src/app/start.ts';
import { loadConfig } from '../../src/config/load.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { baseEnvironment, CHANNELS, type Harness, SECRETS, startHarness, USERS } from '../support/harness.ts';
import { waitUntil } from '../support/webhooks.ts';
import { type PostedTransfer, postedTransfer, transferCalls } from '../transfers/support.ts';

// The app's real SocketModeClient connects to the Slack stand-in's WebSocket; Slack's payloads
// are the ones the HTTP tests send (SlackRequests), delivered as Socket Mode envelopes.

const APP_TOKEN = 'xapp-1-A0DEMO001-1-socket-mode-test';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

/** The app in Socket Mode against fresh stand-ins; `stop` drains it (once, whoever calls first). */
async function socketApp(env: Record<string, string> = {}): Promise<{ h: Harness; stop: () => Promise<void> }> {
  const slack = createSlackStandin({ botToken: SECRETS.botToken, appToken: APP_TOKEN });
  const dart = createDartSandbox({ token: SECRETS.dartToken });
  await Promise.all([slack.start(), dart.start()]);
  cleanup.push(
    () => dart.stop(),
    () => slack.stop(),
  );
  const h = await startHarness({ slack, dart, env: { SLACK_APP_TOKEN: APP_TOKEN, ...env } });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= h.app.stop();
    return stopped;
  };
  cleanup.push(stop);
  return { h, stop };
}

/** `/dart <text>` as a slash_commands envelope. */
async function command(h: Harness, user: SlackUser, text: string, channelId: string = CHANNELS.ops) {
  const { fields, responseId } = h.requests.slashCommandFields(user, text, { channelId });
  return { responseId, ...(await h.slack.socketMode.deliver('slash_commands', fields)) };
}

/** A click on one of a transfer confirmation's buttons, as an interactive envelope. */
function click(h: Harness, user: SlackUser, action: 'confirm' | 'cancel', posted: PostedTransfer, ackTimeoutMs?: number) {
  const { payload, responseId } = h.requests.blockActionPayload(
    user,
    { action_id: `transfer.${action}`, value: posted.id },
    { channelId: posted.channel, message: { ts: posted.ts, blocks: posted.blocks, text: posted.text } },
  );
  return h.slack.socketMode.deliver('interactive', payload, { ackTimeoutMs }).then((delivery) => ({ responseId, ...delivery }));
}

/** What was posted to a command's response_url, as one string: progress lines and the answer. */
const postedTo = (h: Harness, responseId: string) =>
  JSON.stringify(h.slack.responses.filter((response) => response.id === responseId).map((response) => response.body));

/** Waits for the answer containing `words` on a command's response_url. */
const answerTo = (h: Harness, responseId: string, words: string) =>
  h.slack.waitForResponse((response) => response.id === responseId && JSON.stringify(response.body).includes(words), 8000);

describe('Socket Mode', () => {
  it('connects with the app token, and answers commands over the socket', async () => {
    const { h } = await socketApp();
    expect(h.slack.callsTo('apps.connections.open').map((call) => call.token)).toEqual([APP_TOKEN]);
    expect(h.slack.socketMode.openConnections).toBe(1);
    expect(((await (await fetch(`${h.app.url}/healthz`)).json()) as { mode: string }).mode).toBe('socket');

    // Acked at once (an empty ack), answered on the response_url.
    const help = await command(h, USERS.viewer, 'help');
    expect(help.ack?.payload).toEqual({});
    await answerTo(h, help.responseId, '/dart balance');

    // A DART lookup: the answer comes from the DART sandbox.
    const balance = await command(h, USERS.viewer, 'balance billyjoel');
    expect(balance.ack?.payload).toEqual({});
    await answerTo(h, balance.responseId, '980.04');

    // An answer carried by the ack itself.
    const unknown = await command(h, USERS.viewer, 'frobnicate');
    expect(unknown.ack?.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Unknown command') });
  });

  it('during the drain: a new command is told to retry, a click is not acked, the command in flight finishes, then the socket closes', async () => {
    const { h, stop } = await socketApp({ DART_TIMEOUT_MS: '10000' });
    // A transfer waiting for its Confirm, requested over the socket before the drain.
    const requested = await command(h, USERS.treasurer, 'transfer billyjoel 50');
    expect(requested.ack).toBeDefined();
    const posted = postedTransfer(await h.slack.waitForCall('chat.postMessage', (call) => call.args.channel === CHANNELS.ops, 8000));

    // A lookup whose DART call is under way when the drain begins.
    h.dart.setLatency(3000);
    const inFlight = await command(h, USERS.viewer, 'balance billyjoel');
    expect(inFlight.ack?.payload).toEqual({});
    await waitUntil('DART has the call', () => h.dart.callsTo('customer/usdc-balance').length === 1);
    const stopped = stop();

    const [late, confirm] = await Promise.all([
      command(h, USERS.viewer, 'balance billyjoel'),
      click(h, USERS.treasurer, 'confirm', posted, 1000),
    ]);
    // The drain was still under way throughout: the command in flight had not been answered.
    expect(postedTo(h, inFlight.responseId)).not.toContain('980.04');
    expect(h.slack.socketMode.openConnections).toBe(1);
    expect(late.ack?.payload).toEqual({
      response_type: 'ephemeral',
      text: ':hourglass: This DART app is restarting. Nothing was done; run the command again in a few seconds.',
    });
    expect(confirm.ack).toBeUndefined();

    await stopped;
    // The command in flight finished; the late command and the click did nothing.
    expect(postedTo(h, inFlight.responseId)).toContain('980.04');
    expect(h.dart.callsTo('customer/usdc-balance')).toHaveLength(1);
    expect(transferCalls(h)).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((call) => call.args.ts === posted.ts)).toEqual([]);
    expect(h.slack.responses.filter((response) => [late.responseId, confirm.responseId].includes(response.id))).toEqual([]);
    expect(h.logs.join('')).toContain('Socket Mode interactive envelope arrived during the drain: not acked');

    // The socket is closed once stop() resolves, and the app does not come back.
    await h.slack.socketMode.waitForNoConnection(1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.socketMode.connectionsAccepted).toBe(1);
    expect(h.slack.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('a reconnect still opening when the drain ends does not leave a live socket behind', async () => {
    const { h, stop } = await socketApp();
    // Slack asks for a new connection, and is slow to hand one out: the stop comes meanwhile.
    h.slack.injectFault('apps.connections.open', { kind: 'delay', ms: 2000 });
    h.slack.socketMode.requestDisconnect();
    await waitUntil('the reconnect is asking for a new URL', () => h.slack.callsTo('apps.connections.open').length === 2, 15_000);
    await stop();
    // The late answer lets the client connect once more; the receiver closes that connection at once.
    await waitUntil('the late connection', () => h.slack.socketMode.connectionsAccepted === 2, 10_000);
    await h.slack.socketMode.waitForNoConnection(3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.socketMode.openConnections).toBe(0);
  });

  it('a stop while the socket is first opening: the app never becomes ready afterwards, and no socket stays open', async () => {
    const slack = createSlackStandin({ botToken: SECRETS.botToken, appToken: APP_TOKEN });
    await slack.start();
    cleanup.push(() => slack.stop());
    slack.injectFault('apps.connections.open', { kind: 'delay', ms: 3000 });
    const { SLACK_SIGNING_SECRET: _unused, ...env } = baseEnvironment();
    const config = loadConfig({ ...env, DATABASE_PATH: ':memory:', SLACK_API_URL: slack.apiUrl, SLACK_APP_TOKEN: APP_TOKEN });
    const { logger, logs } = capturedLogger();
    const app = await startApp(config, { host: '127.0.0.1', logger });
    // The stand-in records a call once it answers: the bot token is checked at once, then the socket's URL is held 3 s.
    await waitUntil('the bot token checked', () => slack.callsTo('auth.test').length === 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.callsTo('apps.connections.open')).toEqual([]);
    await app.stop();
    const started = await app.ready.then(
      () => 'ready',
      () => 'refused',
    );
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const messages = logs.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(started).toBe('refused');
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('ready');
    expect(slack.socketMode.openConnections).toBe(0);
  });

  it('reconnects when Slack asks it to, and serves on the new connection', async () => {
    const { h } = await socketApp();
    h.slack.socketMode.requestDisconnect();
    await waitUntil('a second connection', () => h.slack.socketMode.connectionsAccepted === 2, 15_000);
    await h.slack.socketMode.waitForConnections(1);
    expect(h.slack.callsTo('apps.connections.open')).toHaveLength(2);
    const balance = await command(h, USERS.viewer, 'balance billyjoel');
    expect(balance.ack?.payload).toEqual({});
    await answerTo(h, balance.responseId, '980.04');
  });
});
