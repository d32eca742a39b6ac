import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { fixture, health, postWebhook } from '../support/webhooks.ts';
import { ask } from './support.ts';

// A 404 that is not DART's own "… not found." answer means DART_API_URL points somewhere
// else: say so (to the person briefly, in the log with the URL), never blame the customer.
// At start-up the app asks DART, without moving anything, whether URL and token work.

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('DART at the configured URL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => h.dart.clearFaults());

  it('the start-up probe found DART reachable and the token accepted, moving nothing', async () => {
    expect((await health(h.app.url)).body.dart).toMatchObject({ status: 'ok' });
    expect(h.logs.join('')).toContain('DART probe: reachable, token accepted');
    expect(h.dart.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });

  it('DART’s own "Customer not found." is still about the customer', async () => {
    expect(await ask(h, USERS.viewer, 'balance nobody')).toContain('DART has no customer `nobody`');
  });

  for (const [name, body] of [
    ['an HTML 404 page', '<html><head><title>404 Not Found</title></head><body>nginx</body></html>'],
    ['an unrelated JSON 404', '{"error":"no route"}'],
    ['Laravel’s unknown-route 404', '{"message":"The route api/customer/usdc-balance could not be found."}'],
  ] as const) {
    it(`${name} is a configuration problem, not an unknown customer`, async () => {
      h.dart.injectFault({ kind: 'status', status: 404, body }, { endpoint: 'customer/usdc-balance' });
      const answer = await ask(h, USERS.viewer, 'balance billyjoel');
      expect(answer).toContain('DART_API_URL looks wrong');
      expect(answer).not.toContain('no customer');
      const line = h.logs.findLast((log) => log.includes('DART_API_URL looks wrong'));
      expect(line).toContain(`${h.dart.url}customer/usdc-balance`);
    });
  }
});

describe('a wrong DART_API_URL', () => {
  let dart: DartSandbox;
  beforeAll(async () => {
    dart = createDartSandbox({ token: SECRETS.dartToken });
    await dart.start();
  });
  afterAll(() => dart.stop());

  it('without /api/: every lookup says DART_API_URL looks wrong, the log names the URL, /healthz shows it', async () => {
    const wrong = dart.url.replace('/api/', '/');
    const h = await startHarness({ dart, env: { DART_API_URL: wrong } });
    try {
      for (const command of ['customer billyjoel', 'balance billyjoel', 'scripts billyjoel', 'token billyjoel Chaos']) {
        const answer = await ask(h, USERS.viewer, command);
        expect(answer).toContain('DART_API_URL looks wrong');
        expect(answer).not.toContain('no customer');
      }
      expect(h.logs.join('')).toContain(`${wrong}customer/get`);
      const report = (await health(h.app.url)).body.dart;
      expect(report.status).toBe('wrong_url');
      expect(h.logs.join('')).not.toContain(SECRETS.dartToken);
    } finally {
      await h.stop();
    }
  });

  it('a token DART refuses shows in /healthz and the log at start-up', async () => {
    const h = await startHarness({ dart, env: { DART_API_TOKEN: '2|NotTheTokenDartKnowsAbcdefghijkl' } });
    try {
      expect((await health(h.app.url)).body.dart.status).toBe('token_refused');
      expect(h.logs.find((log) => log.includes('DART probe'))).toContain('DART_API_TOKEN');
      expect(h.logs.join('')).not.toContain('NotTheTokenDartKnows');
    } finally {
      await h.stop();
    }
  });

  it('a host where nothing listens: lookups name DART_API_URL, /healthz says unreachable, and webhooks are still received', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const h = await startHarness({ dart, env: { DART_API_URL: url } });
    try {
      const answer = await ask(h, USERS.viewer, 'balance billyjoel');
      expect(answer).toContain('Could not connect to DART');
      expect(answer).toContain('DART_API_URL');
      expect((await health(h.app.url)).body).toMatchObject({ status: 'ready', dart: { status: 'unreachable' } });
      expect(h.logs.find((log) => log.includes('DART probe'))).toContain(url);
      expect((await postWebhook(h.app.url, '/webhook/customer-activate', fixture('activate'))).status).toBe(200);
    } finally {
      await h.stop();
    }
  });
});
