import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, type Harness } from '../support/harness.ts';
import { FAST_RETRIES, fixture, postWebhook, shownUsers, waitUntil, withdrawalBody } from '../support/webhooks.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ alerts: FAST_RETRIES });
});
afterAll(() => h.stop());

const WITHDRAWAL = '/webhook/trade-script-withdrawal';
const ACTIVATE = '/webhook/customer-activate';
const activation = (user: string) => ({ ...fixture('activate'), old_dart_user_name: user, new_dart_user_name: user });

describe('a delivery id reused by a different webhook', () => {
  it('is kept, shown and logged as a conflict; real repeats of either stay duplicates', async () => {
    const headers = { 'webhook-id': 'evt_reused_01' };
    const first = await postWebhook(h.app.url, WITHDRAWAL, withdrawalBody('conflict1'), { headers });
    const otherPath = await postWebhook(h.app.url, ACTIVATE, activation('conflict2'), { headers });
    const otherBody = await postWebhook(h.app.url, WITHDRAWAL, withdrawalBody('conflict3', '75.00'), { headers });
    expect([first.json?.status, otherPath.json?.status, otherBody.json?.status]).toEqual(['accepted', 'accepted', 'accepted']);
    expect(new Set([first.json?.id, otherPath.json?.id, otherBody.json?.id]).size).toBe(3);

    const repeats = [
      await postWebhook(h.app.url, WITHDRAWAL, withdrawalBody('conflict1'), { headers }),
      await postWebhook(h.app.url, ACTIVATE, activation('conflict2'), { headers }),
      await postWebhook(h.app.url, WITHDRAWAL, withdrawalBody('conflict3', '75.00'), { headers: { 'idempotency-key': 'evt_reused_01' } }),
    ];
    expect(repeats.map((answer) => answer.json?.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(repeats.map((answer) => answer.json?.id)).toEqual([first.json?.id, otherPath.json?.id, otherBody.json?.id]);

    const conflicts = h.logs.filter((line) => line.includes('delivery id reused by a different event'));
    expect(conflicts).toHaveLength(2);
    expect(conflicts[0]).toContain('evt_reused_01');
    expect(conflicts[0]).toContain(`"conflictsWith":${String(first.json?.id)}`);

    // Each event shown once: delivery keeps order per channel, so the marker comes last.
    await postWebhook(h.app.url, WITHDRAWAL, withdrawalBody('conflict9'));
    const users = ['conflict1', 'conflict2', 'conflict3', 'conflict9'];
    await waitUntil('the marker', () => shownUsers(h.slack, CHANNELS.alerts, users).includes('conflict9'));
    expect(shownUsers(h.slack, CHANNELS.alerts, users).sort()).toEqual(users);
  });
});
