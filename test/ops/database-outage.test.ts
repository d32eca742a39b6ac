import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { testDatabaseBehindRelay } from '../support/postgres.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
import { FAST_RETRIES, FIXTURE_PATHS, postWebhook, expectShownOnceInOrder, waitUntil, withdrawalBody } from '../support/webhooks.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function probe(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The app on PostgreSQL, reached through a relay the test can cut as if the database went away. */
async function appBehindProxy(): Promise<{ h: Harness; proxy: TcpProxy }> {
  const { url, proxy } = await testDatabaseBehindRelay(cleanup);
  const h = await startHarness({ env: { DATABASE_URL: url, DATABASE_PATH: '' }, alerts: FAST_RETRIES });
  cleanup.push(() => h.stop());
  return { h, proxy };
}

describe('PostgreSQL going away under a running app, and coming back', () => {
  it('says so on /readyz and /healthz, refuses webhooks with 503 and commands with a clear answer, never crashes, and recovers by itself', async () => {
    const { h, proxy } = await appBehindProxy();
    expect(await probe(`${h.app.url}/healthz`)).toMatchObject({
      status: 200,
      body: { status: 'ready', database: 'postgres', databaseReachable: true },
    });

    await proxy.cut();
    expect(await probe(`${h.app.url}/readyz`)).toEqual({ status: 503, body: { status: 'database_unreachable' } });
    expect(await probe(`${h.app.url}/healthz`)).toMatchObject({
      status: 503,
      body: { status: 'database_unreachable', database: 'postgres', databaseReachable: false, outbox: null },
    });
    expect((await probe(`${h.app.url}/livez`)).status).toBe(200);
    // Metrics are still scraped, and say the database is down.
    const scrape = await fetch(`${h.app.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^dart_slack_database_up 0$/m);

    // DART is told to retry (a 5xx), never a 2xx for an event that was not stored.
    const refused = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('during'));
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: 'not_stored' });

    // A transfer request cannot be recorded: nothing is posted, DART is not called, and the requester is told why.
    const posts = h.slack.callsTo('chat.postMessage').length;
    const sent = await h.requests.slashCommand(USERS.treasurer, 'transfer billyjoel 50');
    const reply = await h.slack.waitForResponse((r) => r.id === sent.responseId && !JSON.stringify(r.body).includes('hourglass'), 8000);
    expect(JSON.stringify(reply.body)).toContain('cannot reach its database right now, so nothing was done');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(h.dart.callsTo('customer/transfer-amount')).toEqual([]);

    // The delivery worker keeps trying, with backoff, and says so.
    await waitUntil('the worker to report the failure', () => h.logs.some((line) => line.includes('alert delivery failed; will retry')));
    expect(h.slack.callsTo('chat.postMessage').length).toBe(posts);

    await proxy.restore();
    await waitUntil('/readyz to answer 200 again', async () => (await probe(`${h.app.url}/readyz`)).status === 200, 15_000);
    expect(await probe(`${h.app.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ready', databaseReachable: true } });
    expect(await (await fetch(`${h.app.url}/metrics`)).text()).toMatch(/^dart_slack_database_up 1$/m);
    // DART's retry of the refused webhook is stored and posted.
    expect((await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('during'))).status).toBe(200);
    await expectShownOnceInOrder(h.slack, ['during']);
  });
});
