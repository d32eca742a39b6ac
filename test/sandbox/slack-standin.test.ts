import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SlackRequests, signSlackRequest, viewState } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin } from '../../src/sandbox/slack/standin.ts';

const TOKEN = 'xoxb-test-token';
const standin = createSlackStandin({ botToken: TOKEN });
let client: WebClient;

/** The Slack error code a WebClient call failed with (platform errors, HTTP status, rate limit, network). */
async function failure(call: Promise<unknown>): Promise<{ code: string; error?: string; statusCode?: number; retryAfter?: number }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code: string; data?: { error?: string }; statusCode?: number; retryAfter?: number };
    return { code: err.code, error: err.data?.error, statusCode: err.statusCode, retryAfter: err.retryAfter };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  await standin.start();
  client = new WebClient(TOKEN, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
});
afterEach(() => standin.reset());
afterAll(() => standin.stop());

describe('Slack stand-in: Web API', () => {
  it('answers auth.test and records the call with its token', async () => {
    expect(standin.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, team_id: 'T00000001', user_id: 'U0BOT0001', bot_id: 'B0BOT0001' });
    expect(standin.callsTo('auth.test')).toHaveLength(1);
    expect(standin.calls[0]).toMatchObject({ method: 'auth.test', token: TOKEN });
  });

  it('keeps messages as Slack shows them: post, update, delete', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const first = await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: first.ts });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ text: 'hi', blocks, ts: first.ts });
    // Blocks travel as a JSON string in the form and are parsed back.
    expect(standin.callsTo('chat.postMessage')[0]?.args).toEqual({ channel: 'C1', text: 'hi', blocks });
    expect(standin.callsTo('chat.postMessage')[0]?.result).toMatchObject({ ok: true, ts: first.ts });

    const updated = await client.chat.update({ channel: 'C1', ts: first.ts!, text: 'edited' });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: first.ts, text: 'edited' });
    expect(standin.messages('C1')).toEqual([
      { channel: 'C1', ts: first.ts, text: 'edited', blocks, updated: 1 },
      { channel: 'C1', ts: second.ts, text: 'reply', thread_ts: first.ts, updated: 0 },
    ]);

    await client.chat.delete({ channel: 'C1', ts: first.ts! });
    expect(standin.messages('C1').map((m) => m.ts)).toEqual([second.ts]);
    expect(await failure(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).toMatchObject({
      code: ErrorCode.PlatformError,
      error: 'message_not_found',
    });
  });

  it('answers the other default methods', async () => {
    expect(await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' })).toMatchObject({
      ok: true,
      message_ts: expect.any(String),
    });
    expect(await client.chat.scheduleMessage({ channel: 'C1', text: 'later', post_at: 2000000000 })).toMatchObject({
      ok: true,
      channel: 'C1',
      scheduled_message_id: expect.stringMatching(/^Q/),
      post_at: 2000000000,
    });
    expect(await client.conversations.info({ channel: 'C9' })).toMatchObject({ channel: { id: 'C9', name: 'channel-C9' } });
    expect(await client.apiCall('reactions.add', { channel: 'C1', name: 'tada', timestamp: '1.2' })).toMatchObject({ ok: true });
    const notFound = await fetch(`${standin.apiUrl.replace('/api/', '/nowhere')}`, { method: 'POST' });
    expect(notFound.status).toBe(404);
  });

  it('opens, pushes and updates views', async () => {
    const view = { type: 'modal' as const, callback_id: 'cb', title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: 't', view: { ...view, external_id: 'ext-1' } });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), hash: expect.stringMatching(/^h/), callback_id: 'cb' });
    const pushed = await client.views.push({ trigger_id: 't', view });
    expect(pushed.view?.id).not.toBe(opened.view?.id);

    const byId = await client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, callback_id: 'cb2' } });
    expect(byId.view).toMatchObject({ id: opened.view?.id, callback_id: 'cb2' });
    expect(await failure(client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }))).toMatchObject({
      error: 'hash_conflict',
    });
    expect((await client.views.update({ external_id: 'ext-1', view })).view?.id).toBe(opened.view?.id);
    expect((await client.views.update({ external_id: 'ext-new', view })).view?.id).toBe('ext-new');
    expect(await failure(client.views.update({ view_id: 'V404', view }))).toMatchObject({ error: 'not_found' });
  });

  it('knows user groups and users', async () => {
    standin.setUserGroups({ S1: ['U1', 'U2'] });
    standin.setUsers({ U1: { tz: 'Europe/Paris', tz_offset: 3600, real_name: 'Ada' } });
    expect((await client.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    expect(await failure(client.usergroups.users.list({ usergroup: 'S2' }))).toMatchObject({ error: 'no_such_subteam' });
    expect((await client.users.info({ user: 'U1' })).user).toMatchObject({
      id: 'U1',
      tz: 'Europe/Paris',
      tz_offset: 3600,
      real_name: 'Ada',
    });
    expect((await client.users.info({ user: 'U7' })).user).toMatchObject({ id: 'U7', tz: 'UTC', tz_offset: 0 });
  });

  it('refuses other tokens when a bot token is set', async () => {
    const other = new WebClient('xoxb-wrong', { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
    expect(await failure(other.auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(standin.calls[0]?.token).toBe('xoxb-wrong');
  });

  it('lets a test override one method', async () => {
    standin.override('conversations.info', (args) => ({ ok: true, channel: { id: args.channel, name: 'renamed' } }));
    expect((await client.conversations.info({ channel: 'C1' })).channel?.name).toBe('renamed');
    standin.override('conversations.info', undefined);
    expect((await client.conversations.info({ channel: 'C1' })).channel?.name).toBe('channel-C1');
  });
});

describe('Slack stand-in: faults', () => {
  it('answers an error fault, then recovers', async () => {
    standin.injectFault('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    expect(await failure(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(standin.messages('C1')).toEqual([]);
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    expect(standin.messages('C1')).toHaveLength(1);
    expect(standin.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('answers HTTP errors and counts `times`, with * matching any method', async () => {
    standin.injectFault('*', { kind: 'status', status: 503 }, 2);
    expect(await failure(client.auth.test())).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    expect(await failure(client.conversations.info({ channel: 'C1' }))).toMatchObject({ statusCode: 503 });
    expect((await client.auth.test()).ok).toBe(true);
  });

  it('rate-limits with Retry-After', async () => {
    const strict = new WebClient(TOKEN, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    standin.injectFault('auth.test', { kind: 'ratelimited', retryAfterSeconds: 7 });
    expect(await failure(strict.auth.test())).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    const raw = await fetch(`${standin.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(raw.status).toBe(200);

    standin.setChannelRateLimit(1500);
    await strict.chat.postMessage({ channel: 'C1', text: 'one' });
    const limited = (await failure(strict.chat.postMessage({ channel: 'C1', text: 'two' }))) as Pick<WebAPIRateLimitedError, 'retryAfter'>;
    expect(limited.retryAfter).toBe(2);
    await strict.chat.postMessage({ channel: 'C2', text: 'other channel' });
    expect(standin.messages('C1')).toHaveLength(1);
  });

  it('delays and resets connections', async () => {
    standin.injectFault('auth.test', { kind: 'delay', ms: 150 });
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    standin.injectFault('auth.test', { kind: 'reset' });
    expect(await failure(client.auth.test())).toMatchObject({ code: ErrorCode.RequestError });
    expect(standin.callsTo('auth.test')).toHaveLength(2);
  });

  it('applies a call and then answers late or drops the connection', async () => {
    const impatient = new WebClient(TOKEN, {
      slackApiUrl: standin.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      timeout: 200,
    });
    standin.injectFault('chat.postMessage', { kind: 'answerLate', ms: 60_000 });
    expect(await failure(impatient.chat.postMessage({ channel: 'C1', text: 'late' }))).toMatchObject({ code: ErrorCode.RequestError });
    standin.injectFault('chat.postMessage', { kind: 'resetAfterApplying' });
    expect(await failure(client.chat.postMessage({ channel: 'C1', text: 'dropped' }))).toMatchObject({ code: ErrorCode.RequestError });
    expect(standin.messages('C1').map((message) => message.text)).toEqual(['late', 'dropped']);
    expect(standin.callsTo('chat.postMessage').map((call) => typeof call.result?.ts)).toEqual(['string', 'string']);
  });

  it('stalls a request: one whose client gives up is never applied, one that waits is', async () => {
    const impatient = new WebClient(TOKEN, {
      slackApiUrl: standin.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      timeout: 200,
    });
    standin.injectFault('chat.postMessage', { kind: 'stall', ms: 60_000 });
    const given = failure(impatient.chat.postMessage({ channel: 'C1', text: 'given up' }));
    await vi.waitFor(() => expect(standin.stalled).toBe(1));
    expect(await given).toMatchObject({ code: ErrorCode.RequestError });
    await vi.waitFor(() => expect(standin.stalled).toBe(0));
    standin.injectFault('chat.postMessage', { kind: 'stall', ms: 100 });
    await client.chat.postMessage({ channel: 'C1', text: 'waited' });
    expect(standin.messages('C1').map((message) => message.text)).toEqual(['waited']);
    expect(standin.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('goes down and comes back on the same URL', async () => {
    const url = standin.apiUrl;
    await client.auth.test(); // leaves a kept-alive connection that going down must drop
    standin.setDown(true);
    expect(await failure(client.auth.test())).toMatchObject({ code: ErrorCode.RequestError });
    standin.setDown(false);
    expect(standin.apiUrl).toBe(url);
    expect((await client.auth.test()).ok).toBe(true);
  });
});

describe('Slack stand-in: Socket Mode', () => {
  /** Opens the socket apps.connections.open points at, with Node's WebSocket client; resolves on the first message. */
  function connect(url: string): Promise<{ socket: WebSocket; first: Record<string, unknown>; messages: Record<string, unknown>[] }> {
    const socket = new WebSocket(url);
    const messages: Record<string, unknown>[] = [];
    return new Promise((resolve, reject) => {
      socket.addEventListener('message', (event) => {
        messages.push(JSON.parse(String(event.data)) as Record<string, unknown>);
        if (messages.length === 1) resolve({ socket, first: messages[0]!, messages });
      });
      socket.addEventListener('error', () => reject(new Error('connection refused')));
    });
  }

  const open = (token: string) =>
    new WebClient(token, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR }).apps.connections.open();

  it('opens a connection only with an app-level token, and says hello', async () => {
    expect(await failure(open(TOKEN))).toMatchObject({ error: 'not_allowed_token_type' });
    const { url } = await open('xapp-1-A0DEMO001-1-test');
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    const { socket, first } = await connect(String(url));
    expect(first).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0DEMO001' } });
    await standin.socketMode.waitForConnections(1);
    // A ticket is good for one connection.
    await expect(connect(String(url))).rejects.toThrow('connection refused');
    socket.close();
    await standin.socketMode.waitForNoConnection();
  });

  it('sends envelopes, records acks and says when none came', async () => {
    const { socket, messages } = await connect(String((await open('xapp-1-A0DEMO001-1-test')).url));
    socket.addEventListener('message', (event) => {
      const envelope = JSON.parse(String(event.data)) as { envelope_id?: string; type: string; payload: { text?: string } };
      if (envelope.type === 'slash_commands')
        socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: `got ${envelope.payload.text}` } }));
    });
    const acked = await standin.socketMode.deliver('slash_commands', { command: '/dart', text: 'help' });
    expect(acked.ack).toMatchObject({ envelope_id: acked.envelopeId, payload: { text: 'got help' } });
    const ignored = await standin.socketMode.deliver('interactive', { type: 'block_actions' }, { ackTimeoutMs: 100 });
    expect(ignored.ack).toBeUndefined();
    expect(messages.slice(1).map((message) => [message.type, message.accepts_response_payload])).toEqual([
      ['slash_commands', true],
      ['interactive', false],
    ]);
    // Slack asks for a reconnect with a disconnect message; here the client just closes.
    standin.socketMode.requestDisconnect('warning');
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ type: 'disconnect', reason: 'warning' }));
    socket.close();
    await standin.socketMode.waitForNoConnection();
  });
});

describe('Slack stand-in: waiting and watching', () => {
  it('waits for past and future calls, and times out listing what it saw', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'early' });
    expect((await standin.waitForCall('chat.postMessage')).args.text).toBe('early');
    const later = standin.waitForCall('chat.postMessage', (c) => c.args.text === 'late');
    await client.chat.postMessage({ channel: 'C1', text: 'late' });
    expect((await later).args.channel).toBe('C1');
    await expect(standin.waitForCall('views.open', undefined, 50)).rejects.toThrow(/timed out after 50ms; seen: chat\.postMessage .*early/);
  });

  it('records response_url posts and reports activity', async () => {
    const seen: string[] = [];
    const unsubscribe = standin.onActivity((e) => seen.push(e.type === 'call' ? e.call.method : `response:${e.response.id}`));
    const waiting = standin.waitForResponse((r) => r.id === 'req-1');
    const res = await fetch(standin.responseUrl('req-1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', replace_original: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await waiting).body).toEqual({ text: 'done', replace_original: true });
    await client.auth.test();
    unsubscribe();
    await client.auth.test();
    expect(seen).toEqual(['response:req-1', 'auth.test']);
  });

  it('reset clears what was recorded', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    standin.injectFault('*', { kind: 'error', error: 'fatal_error' });
    standin.reset();
    expect(standin.calls).toEqual([]);
    expect(standin.messages('C1')).toEqual([]);
    expect((await client.auth.test()).ok).toBe(true);
  });
});

describe('Slack requests against a Bolt app', () => {
  const SECRET = 'test-signing-secret';
  let app: App;
  let requests: SlackRequests;
  let appUrl: string;
  const actions: unknown[] = [];
  const submissions: unknown[] = [];

  beforeAll(async () => {
    const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
    // Bolt calls auth.test on construction, so the stand-in must already be listening.
    app = new App({
      token: TOKEN,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/dart', async ({ ack, respond, command }) => {
      await ack();
      await respond({ text: `you said ${command.text}` });
    });
    app.action('approve', async ({ ack, body }) => {
      await ack();
      actions.push(body);
    });
    app.view('form', async ({ ack, view }) => {
      await ack();
      submissions.push(view);
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    requests = new SlackRequests({ appUrl, signingSecret: SECRET, standin });
    // Bolt checks its token with auth.test as it starts: it must have reached the stand-in.
    await standin.waitForCall('auth.test', (c) => c.token === TOKEN);
  });
  afterAll(() => app.stop());

  it('signs like Slack documents', () => {
    // The worked example from https://api.slack.com/authentication/verifying-requests-from-slack
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('sends a slash command Bolt accepts, and its reply reaches the response_url', async () => {
    const sent = await requests.slashCommand({ id: 'U1', name: 'ada' }, 'balance');
    expect(sent.status).toBe(200);
    const reply = await standin.waitForResponse((r) => r.id === sent.responseId);
    expect(reply.body).toMatchObject({ text: 'you said balance' });
  });

  it('is refused when wrongly signed or stale', async () => {
    const body = 'command=%2Fdart&text=x';
    expect((await requests.raw(body, signSlackRequest('wrong-secret', body))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await requests.raw(body, signSlackRequest(SECRET, body, stale))).status).toBe(401);
  });

  it('sends block actions and view submissions shaped like Slack', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0DEMO001',
      text: 'approve?',
      blocks: [
        {
          type: 'actions',
          block_id: 'b1',
          elements: [{ type: 'button', action_id: 'approve', value: 'order-7', text: { type: 'plain_text', text: 'Approve' } }],
        },
      ],
    });
    const message = standin.messages('C0DEMO001')[0]!;
    const clicked = await requests.blockAction({ id: 'U1' }, { action_id: 'approve' }, { message });
    expect(clicked.status).toBe(200);
    expect(actions[0]).toMatchObject({
      type: 'block_actions',
      team: { id: 'T00000001', domain: 'demo' },
      container: { type: 'message', message_ts: posted.ts, channel_id: 'C0DEMO001', is_ephemeral: false },
      channel: { id: 'C0DEMO001' },
      actions: [{ action_id: 'approve', block_id: 'b1', value: 'order-7', type: 'button' }],
      response_url: standin.responseUrl(clicked.responseId),
    });

    const submitted = await requests.viewSubmission(
      { id: 'U1' },
      { callback_id: 'form', private_metadata: '{"x":1}', state: viewState({ amount: { value: '12.50' } }) },
    );
    expect(submitted).toMatchObject({ status: 200, body: '' });
    expect(submissions[0]).toMatchObject({
      id: expect.stringMatching(/^V/),
      private_metadata: '{"x":1}',
      state: { values: { amount: { value: { type: 'plain_text_input', value: '12.50' } } } },
    });
  });
});
