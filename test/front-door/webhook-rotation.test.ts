import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, SECRETS, startHarness, type Harness } from '../support/harness.ts';
import { FAST_RETRIES, postWebhook, shownUsers, waitUntil, withdrawalBody } from '../support/webhooks.ts';

const PREVIOUS_SECRET = 'previous-webhook-secret-0123456789';
const PATH = '/webhook/trade-script-withdrawal';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET }, alerts: FAST_RETRIES });
});
afterAll(() => h.stop());

describe('webhook secret rotation', () => {
  it('accepts WEBHOOK_SECRET and WEBHOOK_SECRET_PREVIOUS, as Bearer or Basic, and shows each event', async () => {
    const sent = [
      await postWebhook(h.app.url, PATH, withdrawalBody('rotcur01'), { secret: SECRETS.webhookSecret }),
      await postWebhook(h.app.url, PATH, withdrawalBody('rotprv01'), { secret: PREVIOUS_SECRET }),
      await postWebhook(h.app.url, PATH, withdrawalBody('rotprv02'), { secret: PREVIOUS_SECRET, auth: 'basic' }),
    ];
    expect(sent.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const users = ['rotcur01', 'rotprv01', 'rotprv02'];
    await waitUntil('all three alerts', () => shownUsers(h.slack, CHANNELS.alerts, users).length === 3);
  });

  it('refuses any other secret: 401, nothing stored', async () => {
    const answer = await postWebhook(h.app.url, PATH, withdrawalBody('rotbad01'), { secret: 'not-the-webhook-secret-at-all' });
    expect(answer.status).toBe(401);
    expect(await h.app.storage.outbox.eventsFor(['rotbad01'], { limit: 1 })).toEqual([]);
  });

  it('neither secret reaches Slack or the logs', () => {
    const seen = JSON.stringify(h.slack.calls) + h.logs.join('');
    for (const secret of [SECRETS.webhookSecret, PREVIOUS_SECRET]) expect(seen).not.toContain(secret);
  });
});
