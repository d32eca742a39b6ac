import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer } from '../transfers/support.ts';
import { fixture, FAST_RETRIES, postWebhook, waitUntil } from '../support/webhooks.ts';
import { metric, sample, scrape } from './scrape.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const METRICS_TOKEN = 'test-metrics-token-0123456789';

describe('GET /metrics', () => {
  it('has the standard process and Node.js metrics and every product metric, in Prometheus text', async () => {
    h = await startHarness();
    const { status, text } = await scrape(h.app.url);
    expect(status).toBe(200);
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    for (const [name, type] of [
      ['dart_slack_transfers_total', 'counter'],
      ['dart_slack_transfers_pending', 'gauge'],
      ['dart_slack_outbox_depth', 'gauge'],
      ['dart_slack_outbox_oldest_age_seconds', 'gauge'],
      ['dart_slack_outbox_dead', 'gauge'],
      ['dart_slack_webhooks_received_total', 'counter'],
      ['dart_slack_dart_requests_total', 'counter'],
      ['dart_slack_dart_request_duration_seconds', 'histogram'],
      ['dart_slack_slack_api_errors_total', 'counter'],
      ['dart_slack_slack_requests_rejected_total', 'counter'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it('with METRICS_TOKEN: 401 without the bearer token or with a wrong one, 200 with it; the token is never shown', async () => {
    h = await startHarness({ env: { METRICS_TOKEN } });
    expect((await scrape(h.app.url)).status).toBe(401);
    expect((await scrape(h.app.url, 'wrong-token-0123456789abc')).status).toBe(401);
    const basic = await fetch(`${h.app.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    const scraped = await scrape(h.app.url, METRICS_TOKEN);
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('dart_slack_outbox_depth');
    expect(scraped.text + h.logs.join('')).not.toContain(METRICS_TOKEN);
  });

  it('counts DART requests by endpoint and status, with their latency, and never a customer or user in a label', async () => {
    h = await startHarness();
    const labels = { endpoint: 'customer/usdc-balance', status: '200' };
    expect(await metric(h.app.url, 'dart_slack_dart_requests_total', labels)).toBe(0);
    const sent = await h.requests.slashCommand(USERS.viewer, 'balance billyjoel');
    await h.slack.waitForResponse((response) => response.id === sent.responseId);
    h.dart.injectFault({ kind: 'status', status: 404, body: '{"message":"not found"}' }, { endpoint: 'customer/usdc-balance', times: 1 });
    const missing = await h.requests.slashCommand(USERS.viewer, 'balance nobody');
    await h.slack.waitForResponse((response) => response.id === missing.responseId);
    const { text } = await scrape(h.app.url);
    expect(sample(text, 'dart_slack_dart_requests_total', labels)).toBe(1);
    expect(sample(text, 'dart_slack_dart_requests_total', { endpoint: 'customer/usdc-balance', status: '404' })).toBe(1);
    expect(sample(text, 'dart_slack_dart_request_duration_seconds_count', { endpoint: 'customer/usdc-balance' })).toBe(2);
    for (const forbidden of ['billyjoel', 'nobody', USERS.viewer.id, ...Object.values(SECRETS)]) expect(text).not.toContain(forbidden);
  });

  it('counts webhooks by kind and status', async () => {
    h = await startHarness();
    const path = '/webhook/customer-activate';
    expect((await postWebhook(h.app.url, path, fixture('activate'))).status).toBe(200);
    expect((await postWebhook(h.app.url, path, fixture('activate'), { secret: 'not-the-secret-0123456789' })).status).toBe(401);
    expect((await postWebhook(h.app.url, '/webhook/trade-script-withdrawal', fixture('withdrawal'))).status).toBe(200);
    const { text } = await scrape(h.app.url);
    expect(sample(text, 'dart_slack_webhooks_received_total', { kind: 'customer-activate', status: '200' })).toBe(1);
    expect(sample(text, 'dart_slack_webhooks_received_total', { kind: 'customer-activate', status: '401' })).toBe(1);
    expect(sample(text, 'dart_slack_webhooks_received_total', { kind: 'trade-script-withdrawal', status: '200' })).toBe(1);
  });

  it('reads the outbox gauges from the store, and counts Slack API errors by method and error code', async () => {
    h = await startHarness({ alerts: FAST_RETRIES });
    // Slack keeps failing: the event waits in the outbox.
    h.slack.injectFault('chat.postMessage', { kind: 'status', status: 500 }, 1000);
    expect((await postWebhook(h.app.url, '/webhook/customer-activate', fixture('activate'))).status).toBe(200);
    expect(await metric(h.app.url, 'dart_slack_outbox_depth')).toBe(1);
    expect((await scrape(h.app.url)).text).toMatch(/^dart_slack_outbox_oldest_age_seconds \d+$/m);
    await waitUntil(
      'a failed post counted',
      async () => (await metric(h!.app.url, 'dart_slack_slack_api_errors_total', { method: 'chat.postMessage', error: 'http_500' })) > 0,
    );
    // Then refuses it for good: it is set aside as dead.
    h.slack.reset();
    h.slack.injectFault('chat.postMessage', { kind: 'error', error: 'channel_not_found' }, 1000);
    await waitUntil('the event dead', async () => (await metric(h!.app.url, 'dart_slack_outbox_dead')) === 1, 8000);
    const { text } = await scrape(h.app.url);
    expect(sample(text, 'dart_slack_outbox_depth')).toBe(0);
    expect(sample(text, 'dart_slack_slack_api_errors_total', { method: 'chat.postMessage', error: 'channel_not_found' })).toBeGreaterThan(
      0,
    );
  });
});

describe('transfer metrics', () => {
  let clock = new Date('2025-03-03T09:00:00Z');
  const now = () => clock;

  it('pending rises with a request; each final state is counted by outcome', async () => {
    h = await startHarness({ now, transferSweepMs: 100 });
    const url = h.app.url;
    const outcome = async (name: string) => metric(url, 'dart_slack_transfers_total', { outcome: name });

    const first = (await requestTransfer(h, 'billyjoel 10')).posted;
    expect(await metric(url, 'dart_slack_transfers_pending')).toBe(1);
    await click(h, USERS.treasurer, 'confirm', first);
    await messageShowing(h, first, 'Transferred');
    expect(await outcome('succeeded')).toBe(1);

    h.dart.injectFault(
      { kind: 'status', status: 422, body: '{"message":"Insufficient funds"}' },
      { endpoint: 'customer/transfer-amount', times: 1 },
    );
    const refused = (await requestTransfer(h, 'billyjoel 11')).posted;
    await click(h, USERS.treasurer, 'confirm', refused);
    await messageShowing(h, refused, 'Failed');
    expect(await outcome('failed')).toBe(1);

    h.dart.injectFault({ kind: 'status', status: 502 }, { endpoint: 'customer/transfer-amount', times: 1 });
    const unclear = (await requestTransfer(h, 'billyjoel 12')).posted;
    await click(h, USERS.treasurer, 'confirm', unclear);
    await messageShowing(h, unclear, 'Outcome unknown');
    expect(await outcome('unknown')).toBe(1);

    const dropped = (await requestTransfer(h, 'billyjoel 13')).posted;
    await click(h, USERS.treasurer, 'cancel', dropped);
    await messageShowing(h, dropped, 'Cancelled by');
    expect(await outcome('cancelled')).toBe(1);

    const late = (await requestTransfer(h, 'billyjoel 14')).posted;
    expect(await metric(url, 'dart_slack_transfers_pending')).toBe(1);
    clock = new Date(clock.getTime() + 60 * 60_000);
    await messageShowing(h, late, 'Expired');
    expect(await outcome('expired')).toBe(1);
    expect(await metric(url, 'dart_slack_transfers_pending')).toBe(0);
    expect((await scrape(url)).text).not.toContain(CHANNELS.ops);
  });
});
