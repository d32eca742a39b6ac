import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/requests.ts';
import { scrape } from '../ops/scrape.ts';
import { rawConnection } from '../support/raw-http.ts';
import { postWebhook, waitUntil } from '../support/webhooks.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { requestTransfer, transferCalls } from '../transfers/support.ts';

// Red team: the Slack front door, webhook intake and what leaves through logs, Slack and
// /metrics. Each holds today.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
});
afterAll(() => h.stop());

function commandBody(user: { id: string }, text: string): string {
  return new URLSearchParams({
    command: '/dart',
    text,
    user_id: user.id,
    user_name: 'x',
    channel_id: CHANNELS.ops,
    team_id: 'T00000001',
    response_url: h.slack.responseUrl(`fd-${Math.random()}`),
    trigger_id: '1.2.abc',
  }).toString();
}

/** Writes a request by hand, so headers can repeat. */
async function rawPost(path: string, headerLines: string[], body: string): Promise<number> {
  const connection = await rawConnection(h.app.url);
  const head = [`POST ${path} HTTP/1.1`, 'host: app', `content-length: ${Buffer.byteLength(body)}`, ...headerLines].join('\r\n');
  connection.socket.write(`${head}\r\n\r\n${body}`);
  const status = await connection.status(10_000);
  connection.socket.destroy();
  return status;
}

describe('signed requests', () => {
  it('two signature headers (one valid) are refused', async () => {
    const body = commandBody(USERS.treasurer, 'balance billyjoel');
    const good = signSlackRequest(SECRETS.signingSecret, body);
    const lines = [
      'content-type: application/x-www-form-urlencoded',
      `x-slack-request-timestamp: ${good['x-slack-request-timestamp']}`,
      `x-slack-signature: ${good['x-slack-signature']}`,
      'x-slack-signature: v0=0000',
    ];
    expect(await rawPost('/slack/events', lines, body)).toBe(401);
    expect(await rawPost('/slack/events', [...lines.slice(0, 3), `x-slack-signature: ${good['x-slack-signature']}`], body)).toBe(401);
  });

  it('two timestamp headers are refused', async () => {
    const body = commandBody(USERS.treasurer, 'balance billyjoel');
    const good = signSlackRequest(SECRETS.signingSecret, body);
    const lines = [
      'content-type: application/x-www-form-urlencoded',
      `x-slack-request-timestamp: ${good['x-slack-request-timestamp']}`,
      `x-slack-request-timestamp: ${good['x-slack-request-timestamp']}`,
      `x-slack-signature: ${good['x-slack-signature']}`,
    ];
    expect(await rawPost('/slack/events', lines, body)).toBe(401);
  });

  it('a signature made for other bytes, an uppercase hex digest, a v1 scheme and a fractional timestamp are refused', async () => {
    const body = commandBody(USERS.treasurer, 'balance billyjoel');
    const good = signSlackRequest(SECRETS.signingSecret, body);
    const ts = good['x-slack-request-timestamp'];
    for (const headers of [
      signSlackRequest(SECRETS.signingSecret, `${body}&x=1`),
      { ...good, 'x-slack-signature': good['x-slack-signature'].toUpperCase() },
      { ...good, 'x-slack-signature': good['x-slack-signature'].replace('v0=', 'v1=') },
      { ...good, 'x-slack-request-timestamp': `${ts}.0` },
    ]) {
      expect((await h.requests.raw(body, headers)).status).toBe(401);
    }
  });

  it('a signed slash command that repeats user_id or command is not run as anyone', async () => {
    const calls = h.dart.calls.length;
    const refusals = h.logs.filter((line) => line.includes('Slack request refused')).length;
    for (const body of [
      `${commandBody(USERS.stranger, 'balance billyjoel')}&user_id=${USERS.viewer.id}`,
      `${commandBody(USERS.viewer, 'balance billyjoel')}&command=%2Fother`,
      `${commandBody(USERS.stranger, 'transfer billyjoel 5')}&text=help`,
    ]) {
      await h.requests.raw(body, signSlackRequest(SECRETS.signingSecret, body));
    }
    // Each one is refused by the role gate (no user, another command, no treasurer role).
    await waitUntil('three refusals', () => h.logs.filter((line) => line.includes('Slack request refused')).length === refusals + 3);
    expect(h.dart.calls.length).toBe(calls);
  });

  it('a signed click with two actions (a Confirm smuggled beside a harmless one) runs neither', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 33');
    const calls = transferCalls(h).length;
    const refusals = h.logs.filter((line) => line.includes('"reason":"unclassified"')).length;
    const payload = {
      type: 'block_actions',
      user: { id: USERS.treasurer.id },
      team: { id: 'T00000001' },
      trigger_id: '1.2.abc',
      actions: [
        { type: 'button', action_id: 'customer.balance', value: 'billyjoel', block_id: 'b', action_ts: '1' },
        { type: 'button', action_id: 'transfer.confirm', value: posted.id, block_id: 'b', action_ts: '1' },
      ],
      container: { type: 'message', message_ts: posted.ts, channel_id: posted.channel },
      channel: { id: posted.channel },
      message: { ts: posted.ts, blocks: posted.blocks },
      response_url: h.slack.responseUrl('two-actions'),
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await h.requests.raw(body, signSlackRequest(SECRETS.signingSecret, body))).status).toBe(200);
    await waitUntil('the gate refused it', () => h.logs.filter((line) => line.includes('"reason":"unclassified"')).length === refusals + 1);
    expect(transferCalls(h).length).toBe(calls);
  });
});

describe('webhook intake', () => {
  const path = '/webhook/customer-activate';
  const activate = { message: 'External customer activated.', old_dart_user_name: 'billyjoel', new_dart_user_name: 'billyjoel' };

  it('a body just over the cap is refused 413, a deeply nested one 400 or 422, and the app still answers', async () => {
    const huge = JSON.stringify({ ...activate, pad: 'x'.repeat(70 * 1024) });
    expect((await postWebhook(h.app.url, path, huge)).status).toBe(413);
    const deep = `{"message":"External customer activated.","old_dart_user_name":"a","new_dart_user_name":"a","x":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect([400, 422]).toContain((await postWebhook(h.app.url, path, deep)).status);
    const deepInField = `{"message":${'['.repeat(30_000)}${']'.repeat(30_000)},"old_dart_user_name":"a","new_dart_user_name":"a"}`;
    expect([400, 422]).toContain((await postWebhook(h.app.url, path, deepInField)).status);
    expect((await fetch(`${h.app.url}/livez`)).status).toBe(200);
  });

  it('secrets presented oddly are refused: a trailing word, a Basic secret as user name, the secret in a query, an empty bearer', async () => {
    const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;
    for (const authorization of [
      `Bearer ${SECRETS.webhookSecret} x`,
      basic(`${SECRETS.webhookSecret}:`),
      basic(SECRETS.webhookSecret),
      'Bearer ',
      `Bearer ${SECRETS.webhookSecret.slice(0, -1)}`,
      `Token ${SECRETS.webhookSecret}`,
    ]) {
      const sent = await postWebhook(h.app.url, path, activate, { auth: 'none', headers: { authorization } });
      expect(sent.status, authorization).toBe(401);
    }
    const query = await postWebhook(h.app.url, `${path}?secret=${SECRETS.webhookSecret}`, activate, { auth: 'none' });
    expect(query.status).toBe(401);
  });

  it('a path, query or header crafted to inject a metrics label adds no series', async () => {
    const crafted = [
      `${path}?kind="}evil{x="`,
      '/webhook/customer-activate%22%7D%20evil',
      '/webhook/customer-activate/',
      '/webhook/../webhook/customer-activate',
      '//webhook/customer-activate',
    ];
    for (const target of crafted) await postWebhook(h.app.url, target, activate).catch(() => undefined);
    const { text } = await scrape(h.app.url);
    const kinds = new Set([...text.matchAll(/dart_slack_webhooks_received_total\{kind="([^"]*)"/g)].map((match) => match[1]));
    for (const kind of kinds)
      expect(['customer-activate', 'customer-update', 'customer-deactivate', 'trade-script-withdrawal']).toContain(kind);
    expect(text).not.toContain('evil');
  });
});

describe('metrics labels from DART calls', () => {
  it('customer names and odd answers never become label values', async () => {
    h.dart.injectFault({ kind: 'status', status: 599 }, { endpoint: 'customer/get', times: 3 });
    for (const name of ['a"b', 'evil@x.y', 'x+y-z']) await h.requests.slashCommand(USERS.viewer, `customer ${name}`);
    await h.requests.slashCommand(USERS.viewer, 'balance evil.label');
    await waitUntil('the calls reached DART', () => h.dart.calls.some((call) => call.query.dart_user_name === 'evil.label'));
    const { text } = await scrape(h.app.url);
    const endpoints = new Set([...text.matchAll(/dart_slack_dart_requests?_\w+\{[^}]*endpoint="([^"]*)"/g)].map((match) => match[1]));
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^customer\/[a-z-]+$/);
    expect(text).not.toContain('evil');
  });
});

describe('secrets never leave', () => {
  it('after refused requests, DART faults and Slack faults, no secret is in the logs, in Slack or in /metrics', async () => {
    await h.requests.raw(commandBody(USERS.treasurer, 'balance billyjoel'), signSlackRequest('wrong-secret', 'x'));
    await postWebhook(h.app.url, '/webhook/customer-update', { message: 'x' }, { secret: 'not-the-secret' });
    h.dart.injectFault({ kind: 'reset' }, { endpoint: 'customer/get', times: 5 });
    await h.requests.slashCommand(USERS.viewer, 'customer billyjoel');
    h.slack.injectFault('chat.postMessage', { kind: 'status', status: 500 });
    await h.requests.slashCommand(USERS.treasurer, 'transfer billyjoel 5');
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Slack did not confirm'), 8000).catch(() => undefined);
    const { text } = await scrape(h.app.url);
    const seen = JSON.stringify([h.slack.calls.map((call) => call.args), h.slack.responses]) + h.logs.join('') + text;
    for (const secret of Object.values(SECRETS)) expect(seen).not.toContain(secret);
  });
});
