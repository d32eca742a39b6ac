import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DartClient, type DartClientOptions } from '../../src/dart/client.ts';
import {
  DartBadResponseError,
  DartNetworkError,
  DartNotFoundError,
  DartRejectedError,
  DartServerError,
  DartTimeoutError,
  DartUnauthorizedError,
  DartWrongUrlError,
} from '../../src/dart/errors.ts';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { addDecimals, createSeedState } from '../../src/sandbox/dart/state.ts';

let sandbox: DartSandbox;

beforeEach(async () => {
  sandbox = createDartSandbox();
  await sandbox.start();
});

afterEach(async () => {
  await sandbox.stop();
});

/** The app's real client against the sandbox; no read retries unless a test asks for them. */
function client(options: Partial<DartClientOptions> = {}): DartClient {
  return new DartClient({ baseUrl: sandbox.url, token: 'sandbox-token', timeoutMs: 2000, readRetries: 0, ...options });
}

/** A raw request, for what the client never sends. */
function send(endpoint: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const { token = 'sandbox-token', ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('Accept', 'application/json');
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  return fetch(new URL(endpoint, sandbox.url), { ...rest, headers });
}

/** A Laravel-style JSON body, typed loosely for assertions. */
async function bodyOf(response: Response): Promise<{ message?: string; errors?: Record<string, string[]> }> {
  return (await response.json()) as { message?: string; errors?: Record<string, string[]> };
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('DART sandbox: reads, as on DART’s partner API page', () => {
  it('answers customer/get without the password', async () => {
    expect(await client().getCustomer('billyjoel')).toEqual({
      first_name: 'Billy',
      last_name: 'Joel',
      dart_user_name: 'billyjoel',
      email: 'billy@gmail.com',
    });
    const response = await send('customer/get?dart_user_name=billyjoel');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).not.toContain('password');
  });

  it('answers the balance, trade scripts and token value of the example customer', async () => {
    const dart = client();
    expect(await dart.getUsdcBalance('billyjoel')).toBe('980.04');
    expect(await dart.getTradeScripts('billyjoel')).toEqual([
      {
        trade_script_name: 'Full Velocity Members Only',
        initial_amount: '49.25',
        current_amount: '49.2500',
        status: 5,
        total_deposit: '50.0000',
        activate_date: '2022-06-08',
      },
    ]);
    expect(await dart.getTokenValue('billyjoel', 'Chaos')).toBe('19.96');
  });

  it('seeds two more customers', async () => {
    const dart = client();
    expect(await dart.getUsdcBalance('adaline')).toBe('12500.00');
    expect(await dart.getTradeScripts('adaline')).toEqual([]);
    expect((await dart.getCustomer('grace')).last_name).toBe('Hopper');
    expect(await dart.getUsdcBalance('grace')).toBe('0.00');
    expect([...sandbox.state.customers.keys()]).toEqual(['billyjoel', 'adaline', 'grace']);
  });

  it('records each call with its query and authorization', async () => {
    await client().getTokenValue('billyjoel', 'Chaos');
    const [call] = sandbox.callsTo('customer/token-value');
    expect(call).toMatchObject({
      method: 'GET',
      endpoint: 'customer/token-value',
      query: { dart_user_name: 'billyjoel', token: 'Chaos' },
      form: {},
      json: undefined,
      authorized: true,
    });
    expect(call?.at).toBeInstanceOf(Date);
  });

  it('answers whatever tests put in the state', async () => {
    sandbox.state.customers.get('billyjoel')!.usdc_balance = '1.50';
    expect(await client().getUsdcBalance('billyjoel')).toBe('1.50');
  });
});

describe('DART sandbox: writes', () => {
  it('creates a customer from form parameters', async () => {
    const answer = await client().createCustomer({
      first_name: 'Alan',
      last_name: 'Turing',
      user_name: 'alan',
      email: 'alan@example.com',
      password: 'enigma-1940',
    });
    expect(answer).toBe('Customer Created Successfully.');
    expect(sandbox.state.customers.get('alan')).toMatchObject({
      email: 'alan@example.com',
      password: 'enigma-1940',
      usdc_balance: '0.00',
      active: false,
    });
    expect(sandbox.callsTo('customer/create')[0]?.form).toMatchObject({ user_name: 'alan', first_name: 'Alan' });
    expect(await client().getCustomer('alan')).toMatchObject({ dart_user_name: 'alan' });
  });

  it('also accepts a JSON body', async () => {
    const response = await send('customer/create', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        first_name: 'Alan',
        last_name: 'Turing',
        user_name: 'alan',
        email: 'alan@example.com',
        password: 'enigma-1940',
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toBe('Customer Created Successfully.');
    expect(sandbox.callsTo('customer/create')[0]?.json).toMatchObject({ user_name: 'alan' });
  });

  it('updates names and email, and the password only when sent', async () => {
    const dart = client();
    const update = { dart_user_name: 'billyjoel', first_name: 'William', last_name: 'Joel', email: 'william@example.com' };
    expect(await dart.updateCustomer(update)).toBe('Customer Updated Successfully.');
    expect(sandbox.state.customers.get('billyjoel')).toMatchObject({ first_name: 'William', password: 'billy@123#' });
    expect(sandbox.callsTo('customer/update')[0]?.form).not.toHaveProperty('password');
    await dart.updateCustomer({ ...update, password: 'piano-man-1973' });
    expect(sandbox.state.customers.get('billyjoel')?.password).toBe('piano-man-1973');
    expect(await dart.getCustomer('billyjoel')).toMatchObject({ first_name: 'William', email: 'william@example.com' });
  });

  it('restricts and restores trade-script access', async () => {
    const dart = client();
    const before = Date.now();
    expect(await dart.setTradeScriptAccess('billyjoel', { enabled: false, hours: 10 })).toBe('Customer Tsp Access Disabled');
    const tsp = sandbox.state.customers.get('billyjoel')?.tsp;
    expect(tsp?.enabled).toBe(false);
    expect(tsp?.disabledUntil?.getTime()).toBeGreaterThanOrEqual(before + 10 * 3_600_000);
    expect(sandbox.callsTo('customer/update-tsp-status')[0]?.form).toEqual({
      dart_user_name: 'billyjoel',
      external_tsp_status: 'false',
      tsp_duration: '10',
    });
    expect(await dart.setTradeScriptAccess('billyjoel', { enabled: true })).toBe('Customer Tsp Access Enabled');
    expect(sandbox.state.customers.get('billyjoel')?.tsp).toEqual({ enabled: true });
  });

  it('adds a transferred amount to the balance exactly', async () => {
    const dart = client();
    expect(await dart.transferAmount('billyjoel', '19.96')).toBe('Amount Transferred Successfully.');
    expect(await dart.getUsdcBalance('billyjoel')).toBe('1000.00');
    await dart.transferAmount('billyjoel', '0.1');
    expect(await dart.getUsdcBalance('billyjoel')).toBe('1000.10');
    expect(sandbox.callsTo('customer/transfer-amount')[0]?.json).toEqual({ userId: 'billyjoel', amount: '19.96' });
  });
});

describe('DART sandbox: failures map to the client error classes', () => {
  it('refuses a wrong or missing token with 401, and records the call', async () => {
    const error = await rejection(client({ token: 'wrong' }).getCustomer('billyjoel'));
    expect(error).toBeInstanceOf(DartUnauthorizedError);
    expect(sandbox.calls.at(-1)?.authorized).toBe(false);
    const response = await send('customer/get?dart_user_name=billyjoel', { token: null });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthenticated.' });
    expect(await rejection(client({ token: 'wrong' }).transferAmount('billyjoel', '5'))).toBeInstanceOf(DartUnauthorizedError);
    expect(sandbox.state.customers.get('billyjoel')?.usdc_balance).toBe('980.04');
  });

  it('answers 404 "Customer not found." on every endpoint', async () => {
    const dart = client();
    const attempts = [
      dart.getCustomer('nobody'),
      dart.getUsdcBalance('nobody'),
      dart.getTradeScripts('nobody'),
      dart.getTokenValue('nobody', 'Chaos'),
      dart.updateCustomer({ dart_user_name: 'nobody', first_name: 'N', last_name: 'B', email: 'n@example.com' }),
      dart.setTradeScriptAccess('nobody', { enabled: true }),
      dart.transferAmount('nobody', '1.00'),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(DartNotFoundError);
      expect((error as DartNotFoundError).message).toBe('Customer not found.');
    }
  });

  it('answers 404 "Token not found." for an unknown token', async () => {
    const error = await rejection(client().getTokenValue('billyjoel', 'Order'));
    expect(error).toBeInstanceOf(DartNotFoundError);
    expect((error as Error).message).toBe('Token not found.');
    expect(await rejection(client().getTokenValue('billyjoel', 'toString'))).toBeInstanceOf(DartNotFoundError);
  });

  it('answers 422 with Laravel messages for invalid writes', async () => {
    const dart = client();
    const cases: [Promise<unknown>, string, string][] = [
      [
        dart.createCustomer({ first_name: 'B', last_name: 'J', user_name: 'billyjoel', email: 'b@example.com', password: 'long-enough' }),
        'user_name',
        'The user name has already been taken.',
      ],
      [
        dart.createCustomer({ first_name: 'A', last_name: 'T', user_name: 'alan', email: 'not-an-email', password: 'long-enough' }),
        'email',
        'The email must be a valid email address.',
      ],
      [
        dart.createCustomer({ first_name: 'A', last_name: 'T', user_name: 'alan', email: 'a@example.com', password: 'short' }),
        'password',
        'The password must be at least 8 characters.',
      ],
      [
        dart.updateCustomer({ dart_user_name: '', first_name: 'B', last_name: 'J', email: 'b@example.com' }),
        'dart_user_name',
        'The dart user name field is required.',
      ],
      [dart.setTradeScriptAccess('billyjoel', { enabled: false, hours: 0 }), 'tsp_duration', 'The tsp duration must be at least 1.'],
      [dart.setTradeScriptAccess('billyjoel', { enabled: false, hours: 1.5 }), 'tsp_duration', 'The tsp duration must be an integer.'],
      [dart.transferAmount('billyjoel', '1.234'), 'amount', 'The amount must be a valid amount.'],
      [dart.transferAmount('billyjoel', '0.00'), 'amount', 'The amount must be a valid amount.'],
      [dart.transferAmount('billyjoel', '-5'), 'amount', 'The amount must be a valid amount.'],
      [dart.transferAmount('billyjoel', '1e3'), 'amount', 'The amount must be a valid amount.'],
      [dart.transferAmount('', '5'), 'userId', 'The user id field is required.'],
    ];
    for (const [attempt, field, message] of cases) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(DartRejectedError);
      expect(error).toMatchObject({ status: 422, dartMessage: message, fieldErrors: { [field]: [message] } });
    }
    expect(sandbox.state.customers.has('alan')).toBe(false);
    expect(sandbox.state.customers.get('billyjoel')?.usdc_balance).toBe('980.04');
  });

  it('validates reads and tsp parameters the client never gets wrong', async () => {
    const missing = await send('customer/get');
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({
      message: 'The dart user name field is required.',
      errors: { dart_user_name: ['The dart user name field is required.'] },
    });
    const noToken = await send('customer/token-value?dart_user_name=billyjoel');
    expect((await bodyOf(noToken)).message).toBe('The token field is required.');
    const badStatus = await send('customer/update-tsp-status', form({ dart_user_name: 'billyjoel', external_tsp_status: 'maybe' }));
    expect(badStatus.status).toBe(422);
    expect((await bodyOf(badStatus)).errors).toEqual({ external_tsp_status: ['The external tsp status field must be true or false.'] });
    const noDuration = await send('customer/update-tsp-status', form({ dart_user_name: 'billyjoel', external_tsp_status: 'false' }));
    expect((await bodyOf(noDuration)).message).toBe('The tsp duration field is required when external tsp status is false.');
    const firstOfMany = await send('customer/create', form({}));
    const body = (await firstOfMany.json()) as { message: string; errors: Record<string, string[]> };
    expect(body.message).toBe('The first name field is required.');
    expect(Object.keys(body.errors)).toEqual(['first_name', 'last_name', 'user_name', 'email', 'password']);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    const unknown = await send('customer/delete');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not found.' });
    const wrong = await send('customer/create');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('content-type')).toBe('application/json');
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await bodyOf(wrong)).message).toContain('The GET method is not supported');
    // A wrong prefix meets the web server's HTML 404, which is not DART's own "not found".
    expect(await rejection(client({ baseUrl: sandbox.url.replace('/api/', '/v2/') }).getCustomer('billyjoel'))).toBeInstanceOf(
      DartWrongUrlError,
    );
  });

  it('answers 413 to a body over 1 MB', async () => {
    const response = await send('customer/create', form({ first_name: 'x'.repeat(1024 * 1024 + 1) }));
    expect(response.status).toBe(413);
  });
});

describe('DART sandbox: faults and latency', () => {
  it('answers an injected status once, then normally', async () => {
    sandbox.injectFault({ kind: 'status', status: 500 });
    const error = await rejection(client().getCustomer('billyjoel'));
    expect(error).toBeInstanceOf(DartServerError);
    expect(error).toMatchObject({ status: 500, outcomeUnknown: true });
    expect(await client().getCustomer('billyjoel')).toMatchObject({ dart_user_name: 'billyjoel' });
  });

  it('maps a 502 HTML page to DartServerError', async () => {
    sandbox.injectFault({ kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    const response = await send('customer/get?dart_user_name=billyjoel');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('text/html');
    sandbox.injectFault({ kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    expect(await rejection(client().getUsdcBalance('billyjoel'))).toBeInstanceOf(DartServerError);
  });

  it('maps a 200 HTML page to DartBadResponseError', async () => {
    sandbox.injectFault({ kind: 'html' });
    const error = await rejection(client().getTradeScripts('billyjoel'));
    expect(error).toBeInstanceOf(DartBadResponseError);
    expect((error as Error).message).toContain('HTML page');
  });

  it('maps a reset connection to DartNetworkError, for reads and writes', async () => {
    sandbox.injectFault({ kind: 'reset' });
    expect(await rejection(client().getCustomer('billyjoel'))).toBeInstanceOf(DartNetworkError);
    sandbox.injectFault({ kind: 'reset' });
    const error = await rejection(client().transferAmount('billyjoel', '5.00'));
    expect(error).toBeInstanceOf(DartNetworkError);
    expect(error).toMatchObject({ outcomeUnknown: true });
  });

  it('maps a hang and a long delay to DartTimeoutError', async () => {
    sandbox.injectFault({ kind: 'hang' });
    expect(await rejection(client({ timeoutMs: 200 }).getCustomer('billyjoel'))).toBeInstanceOf(DartTimeoutError);
    sandbox.injectFault({ kind: 'delay', ms: 1000 });
    expect(await rejection(client({ timeoutMs: 200 }).getCustomer('billyjoel'))).toBeInstanceOf(DartTimeoutError);
  });

  it('counts requests in flight until they are answered or given up', async () => {
    expect(sandbox.inFlight).toBe(0);
    sandbox.injectFault({ kind: 'hang' });
    const abandoned = client({ timeoutMs: 300 })
      .getCustomer('billyjoel')
      .catch(() => undefined);
    while (sandbox.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sandbox.inFlight).toBe(1);
    await abandoned;
    // The client gave up and closed the connection: the hung request no longer counts.
    while (sandbox.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sandbox.inFlight).toBe(0);
  });

  it('answers after a short delay', async () => {
    sandbox.injectFault({ kind: 'delay', ms: 150 });
    const started = performance.now();
    expect(await client().getUsdcBalance('billyjoel')).toBe('980.04');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('lets a read retry through a transient failure, but never a write', async () => {
    sandbox.injectFault({ kind: 'status', status: 503 }, { times: 1 });
    expect(await client({ readRetries: 2 }).getUsdcBalance('billyjoel')).toBe('980.04');
    expect(sandbox.callsTo('customer/usdc-balance')).toHaveLength(2);
    sandbox.injectFault({ kind: 'status', status: 503 });
    expect(await rejection(client({ readRetries: 2 }).transferAmount('billyjoel', '1.00'))).toBeInstanceOf(DartServerError);
    expect(sandbox.callsTo('customer/transfer-amount')).toHaveLength(1);
  });

  it('consumes faults per endpoint, in order, as many times as asked', async () => {
    sandbox.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/usdc-balance', times: 2 });
    sandbox.injectFault({ kind: 'html' });
    const dart = client();
    expect(await rejection(dart.getCustomer('billyjoel'))).toBeInstanceOf(DartBadResponseError);
    expect(await rejection(dart.getUsdcBalance('billyjoel'))).toBeInstanceOf(DartServerError);
    expect(await rejection(dart.getUsdcBalance('billyjoel'))).toBeInstanceOf(DartServerError);
    expect(await dart.getUsdcBalance('billyjoel')).toBe('980.04');
    sandbox.injectFault({ kind: 'status', status: 500 }, { times: 5 });
    sandbox.clearFaults();
    expect(await dart.getCustomer('billyjoel')).toMatchObject({ first_name: 'Billy' });
  });

  it('answers a redirect fault with its status and Location, and does nothing', async () => {
    sandbox.injectFault({ kind: 'redirect', status: 307, location: 'http://elsewhere.invalid/api/customer/transfer-amount' });
    const response = await send('customer/transfer-amount', {
      method: 'POST',
      redirect: 'manual',
      body: JSON.stringify({ userId: 'billyjoel', amount: '5' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://elsewhere.invalid/api/customer/transfer-amount');
    expect(sandbox.state.customers.get('billyjoel')?.usdc_balance).toBe('980.04');
  });

  it('sends a stalled body’s headers and first bytes, then nothing until the client leaves', async () => {
    sandbox.injectFault({ kind: 'stall' });
    const controller = new AbortController();
    const response = await send('customer/get?dart_user_name=billyjoel', { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('"Customer');
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('passes a status fault’s headers (Retry-After) on', async () => {
    sandbox.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '7' } });
    const response = await send('customer/get?dart_user_name=billyjoel');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('answers outside /api/ as the web server in front of DART would: an HTML 404', async () => {
    const response = await fetch(new URL('/customer/get?dart_user_name=billyjoel', sandbox.url));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('records the call even when a fault answers it', async () => {
    sandbox.injectFault({ kind: 'reset' });
    await rejection(client().transferAmount('billyjoel', '5.00'));
    expect(sandbox.callsTo('customer/transfer-amount')[0]?.json).toEqual({ userId: 'billyjoel', amount: '5.00' });
  });

  it('adds latency to every answer until set back to 0', async () => {
    sandbox.setLatency(300);
    const started = performance.now();
    await client({ token: 'wrong' })
      .getCustomer('billyjoel')
      .catch(() => {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    sandbox.setLatency(0);
    const again = performance.now();
    await client().getCustomer('billyjoel');
    expect(performance.now() - again).toBeLessThan(250);
  });
});

describe('DART sandbox: lifecycle and options', () => {
  it('stops promptly with a hung request and a pending delay open', async () => {
    sandbox.injectFault({ kind: 'hang' }, { endpoint: 'customer/get' });
    sandbox.injectFault({ kind: 'delay', ms: 60_000 }, { endpoint: 'customer/usdc-balance' });
    const hung = rejection(client({ timeoutMs: 30_000 }).getCustomer('billyjoel'));
    const delayed = rejection(client({ timeoutMs: 30_000 }).getUsdcBalance('billyjoel'));
    while (sandbox.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await sandbox.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(DartNetworkError);
    expect(await delayed).toBeInstanceOf(DartNetworkError);
  });

  it('can start empty, with another token, and again after stopping', async () => {
    const other = createDartSandbox({ token: '2|BtyCiKlUQ8wSDlhCAXYVMljlFudQKb5AqWhLOmTT', seed: false });
    expect(() => other.url).toThrow();
    const url = await other.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const dart = new DartClient({ baseUrl: url, token: '2|BtyCiKlUQ8wSDlhCAXYVMljlFudQKb5AqWhLOmTT', timeoutMs: 2000, readRetries: 0 });
    expect(await rejection(dart.getCustomer('billyjoel'))).toBeInstanceOf(DartNotFoundError);
    await other.stop();
    await other.start();
    expect(other.calls).toHaveLength(1);
    await other.stop();
  });

  it('seeds fresh objects each time', () => {
    const first = createSeedState();
    first.customers.get('billyjoel')!.tokens.Chaos = '0';
    expect(createSeedState().customers.get('billyjoel')?.tokens.Chaos).toBe('19.96');
  });
});

describe('addDecimals', () => {
  it('adds decimal strings exactly, keeping the longer scale', () => {
    expect(addDecimals('980.04', '19.96')).toBe('1000.00');
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('49.2500', '0.75')).toBe('50.0000');
    expect(addDecimals('12500.00', '5')).toBe('12505.00');
    expect(addDecimals('1.00', '-2.50')).toBe('-1.50');
    expect(addDecimals('99999999999999999.99', '0.01')).toBe('100000000000000000.00');
    expect(() => addDecimals('1e3', '1')).toThrow(RangeError);
  });
});
