import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest, SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { MAX_SLACK_BODY_BYTES } from '../../src/slack/signed-requests.ts';
import { rawConnection } from '../support/raw-http.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';

const PREVIOUS_SECRET = 'previous-signing-secret-0123';
const MIB = 1024 * 1024;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SLACK_SIGNING_SECRET_PREVIOUS: PREVIOUS_SECRET } });
});
afterAll(() => h.stop());

/** The head of a POST to /slack/events announcing `length` bytes, with `headers`; no body is sent. */
function head(length: number, headers: Record<string, string>): string {
  const lines = Object.entries({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(length), ...headers });
  return `POST /slack/events HTTP/1.1\r\nhost: app\r\n${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
}

function rejections(reason: string): number {
  return h.logs.filter((line) => line.includes('Slack request refused') && line.includes(`"reason":"${reason}"`)).length;
}

describe('/slack/events refuses early what is not Slack’s', () => {
  const now = () => String(Math.floor(Date.now() / 1000));
  const cases: Array<[string, number, string, Record<string, string>]> = [
    ['no signature headers: 401 before the body', 401, 'missing_signature', {}],
    ['a timestamp without a signature: 401', 401, 'missing_signature', { 'x-slack-request-timestamp': now() }],
    [
      'a stale timestamp: 401 before the body',
      401,
      'stale_timestamp',
      { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': String(Number(now()) - 600) },
    ],
    [
      'a timestamp from the future: 401',
      401,
      'stale_timestamp',
      { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': String(Number(now()) + 600) },
    ],
    [
      'an announced body over the cap: 413 before reading it',
      413,
      'body_too_large',
      { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': now() },
    ],
  ];
  for (const [name, status, reason, headers] of cases) {
    it(name, async () => {
      const before = rejections(reason);
      const connection = await rawConnection(h.app.url);
      // 4 MiB announced, not one byte sent: the answer can only come before the body.
      connection.socket.write(head(4 * MIB, headers));
      expect(await connection.status(10_000)).toBe(status);
      await connection.closed(10_000);
      expect(rejections(reason)).toBe(before + 1);
    });
  }

  it('a chunked body is cut off with 413 once it passes the cap', async () => {
    const connection = await rawConnection(h.app.url);
    const headers = { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': now(), 'transfer-encoding': 'chunked' };
    const lines = Object.entries({ 'content-type': 'application/x-www-form-urlencoded', ...headers });
    connection.socket.write(`POST /slack/events HTTP/1.1\r\nhost: app\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
    const chunk = 'a'.repeat(64 * 1024);
    for (let sent = 0; sent <= MAX_SLACK_BODY_BYTES; sent += chunk.length)
      connection.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(await connection.status(10_000)).toBe(413);
  });

  it('Slack’s unsigned certificate check is answered 200, and nothing smuggled in with it runs', async () => {
    const before = h.dart.calls.length;
    expect((await h.requests.raw('ssl_check=1&token=verification-token', {})).status).toBe(200);
    const smuggled = await h.requests.raw(`ssl_check=1&command=%2Fdart&text=balance+billyjoel&user_id=${USERS.viewer.id}`, {});
    expect(smuggled.status).toBe(200);
    expect((await h.requests.raw(`command=%2Fdart&text=balance+billyjoel&user_id=${USERS.viewer.id}`, {})).status).toBe(401);
    expect(h.dart.calls.length).toBe(before);
  });

  it('a wrong signature over a body within the cap: 401, nothing runs', async () => {
    const before = h.dart.calls.length;
    const body = new URLSearchParams({ command: '/dart', text: 'balance billyjoel', user_id: USERS.viewer.id }).toString();
    const sent = await h.requests.raw(body, signSlackRequest('some-other-secret-000', body));
    expect(sent.status).toBe(401);
    expect(h.dart.calls.length).toBe(before);
  });

  it('a connection that never sends a byte is closed within seconds', async () => {
    const connection = await rawConnection(h.app.url);
    await connection.closed(20_000);
    expect(connection.received()).not.toContain('HTTP/1.1 2');
  }, 30_000);
});

describe('signing secret rotation', () => {
  it('a request signed with SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_PREVIOUS is served', async () => {
    for (const signingSecret of [SECRETS.signingSecret, PREVIOUS_SECRET]) {
      const requests = new SlackRequests({ appUrl: `${h.app.url}/slack/events`, signingSecret, standin: h.slack });
      const sent = await requests.slashCommand(USERS.viewer, 'balance billyjoel');
      expect(sent.status).toBe(200);
      const answer = await h.slack.waitForResponse((response) => response.id === sent.responseId);
      expect(JSON.stringify(answer.body)).toContain('USDC');
    }
  });

  it('a body just under the cap, signed, reaches the app', async () => {
    const text = `balance billyjoel ${'x'.repeat(MAX_SLACK_BODY_BYTES - 2000)}`;
    const sent = await h.requests.slashCommand(USERS.viewer, text);
    expect(sent.status).toBe(200);
  });

  it('neither secret reaches the logs', () => {
    for (const secret of [SECRETS.signingSecret, PREVIOUS_SECRET]) expect(h.logs.join('')).not.toContain(secret);
  });
});
