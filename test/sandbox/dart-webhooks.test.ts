import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSeedState } from '../../src/sandbox/dart/state.ts';
import { applyDartEvent, fireWebhook, webhookFor } from '../../src/sandbox/dart/webhooks.ts';

// What DART posts and how: bodies word for word from DART's partner API page, the secret as a
// bearer token (or Basic password), JSON, to <base>/webhook/<kind>.

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const received: Received[] = [];
let answer = { status: 200, body: '{"ok":true}' };

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answer = { status: 200, body: '{"ok":true}' };
});

describe('webhookFor: the bodies of DART’s partner API page', () => {
  it('builds each event exactly as DART shows it, in the page’s key order', () => {
    expect(JSON.stringify(webhookFor({ kind: 'activate', user: 'billyjoel' }))).toBe(
      '{"kind":"customer-activate","payload":{"message":"External customer activated.","old_dart_user_name":"billyjoel","new_dart_user_name":"billyjoel"}}',
    );
    expect(webhookFor({ kind: 'update', user: 'billyjoel', newUser: 'billy' })).toEqual({
      kind: 'customer-update',
      payload: { message: 'External customer information updated', old_dart_user_name: 'billyjoel', new_dart_user_name: 'billy' },
    });
    expect(webhookFor({ kind: 'deactivate', user: 'billyjoel' }).payload.message).toBe('External customer deactivated.');
    expect(JSON.stringify(webhookFor({ kind: 'withdrawal', user: 'billyjoel', amount: '50' }).payload)).toBe(
      '{"message":"External customer withdraw from trade script.","old_dart_user_name":"billyjoel","new_dart_user_name":"billyjoel","amount":"50.00","trade_script_name":"Full Velocity Members Only"}',
    );
    expect(webhookFor({ kind: 'exit', user: 'grace', amount: '2' }, createSeedState())).toEqual({
      kind: 'trade-script-withdrawal',
      payload: {
        message: 'External customer exit from trade script.',
        old_dart_user_name: 'grace',
        new_dart_user_name: 'grace',
        amount: '2.00',
        trade_script_name: 'Steady Growth',
      },
    });
  });

  it('refuses an amount DART would never send', () => {
    expect(() => webhookFor({ kind: 'withdrawal', user: 'billyjoel', amount: '-5' })).toThrow(RangeError);
    expect(() => webhookFor({ kind: 'exit', user: 'billyjoel', amount: '1.234' })).toThrow(/at most 2 decimal places/);
  });
});

describe('applyDartEvent', () => {
  it('activates, deactivates and renames customers; ignores unknown ones and taken names', () => {
    const state = createSeedState();
    applyDartEvent(state, { kind: 'deactivate', user: 'grace' });
    expect(state.customers.get('grace')?.active).toBe(false);
    applyDartEvent(state, { kind: 'activate', user: 'grace' });
    expect(state.customers.get('grace')?.active).toBe(true);
    applyDartEvent(state, { kind: 'update', user: 'billyjoel', newUser: 'billy' });
    expect(state.customers.has('billyjoel')).toBe(false);
    expect(state.customers.get('billy')?.dart_user_name).toBe('billy');
    applyDartEvent(state, { kind: 'update', user: 'billy', newUser: 'adaline' });
    expect(state.customers.get('billy')?.email).toBe('billy@gmail.com');
    expect(state.customers.get('adaline')?.email).toBe('ada@example.com');
    applyDartEvent(state, { kind: 'activate', user: 'nobody' });
    expect(state.customers.size).toBe(3);
  });
});

describe('fireWebhook', () => {
  it('POSTs JSON to <base>/webhook/<kind> with the secret as a bearer token, and returns the answer', async () => {
    answer = { status: 202, body: '{"accepted":true}' };
    const { kind, payload } = webhookFor({ kind: 'withdrawal', user: 'billyjoel', amount: '50.00' });
    const delivery = await fireWebhook(`${base}/dart/`, 'a-webhook-secret-0123456789', kind, payload);
    expect(delivery).toEqual({ url: `${base}/dart/webhook/trade-script-withdrawal`, status: 202, body: '{"accepted":true}' });
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/dart/webhook/trade-script-withdrawal');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer a-webhook-secret-0123456789');
    expect(JSON.parse(request?.body ?? '')).toEqual(payload);
  });

  it('can carry the secret as the password of HTTP Basic auth, or no secret at all', async () => {
    const { kind, payload } = webhookFor({ kind: 'activate', user: 'billyjoel' });
    await fireWebhook(base, 'a-webhook-secret-0123456789', kind, payload, { auth: 'basic' });
    const basic = received[0]?.headers.authorization ?? '';
    expect(Buffer.from(basic.replace(/^Basic /, ''), 'base64').toString()).toBe('dart:a-webhook-secret-0123456789');
    await fireWebhook(base, undefined, kind, payload);
    expect(received[1]?.headers.authorization).toBeUndefined();
  });

  it('resolves with a refusal rather than throwing, and rejects only when nothing answers', async () => {
    answer = { status: 401, body: '{"error":"unauthorized"}' };
    const { kind, payload } = webhookFor({ kind: 'deactivate', user: 'billyjoel' });
    expect((await fireWebhook(base, 'wrong', kind, payload)).status).toBe(401);
    await expect(fireWebhook('http://127.0.0.1:1', 'x', kind, payload)).rejects.toThrow();
  });
});
