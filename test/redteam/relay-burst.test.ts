import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Standins } from '../../src/sandbox/standins.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { expectShownOnceInOrder, FAST_RETRIES, postWithdrawals, startRelayStandins, userNames } from '../support/webhooks.ts';

// Red team: a burst of webhooks spread over two instances on one PostgreSQL database while
// Slack refuses some posts (rate limits, 5xx, a refused error): both instances drain the one
// outbox, and every event is still shown once, in the order DART sent it. Holds today.
let standins: Standins;
const cleanup: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  standins = await startRelayStandins();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(() => standins.stop());

describe('a webhook burst over two PostgreSQL instances while Slack stumbles', () => {
  it('60 withdrawals, alternately to each instance: each shown once, in order', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const apps: Harness[] = [];
    for (let index = 0; index < 2; index++) {
      const h = await startHarness({
        dart: standins.dart,
        slack: standins.slack,
        env: { DATABASE_URL: database.url, DATABASE_PATH: '' },
        alerts: FAST_RETRIES,
      });
      cleanup.push(() => h.stop());
      apps.push(h);
    }
    standins.slack.injectFault('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 }, 2);
    standins.slack.injectFault('chat.postMessage', { kind: 'status', status: 503 }, 3);
    standins.slack.injectFault('chat.postMessage', { kind: 'error', error: 'internal_error' }, 1);
    const users = userNames('burst', 60);
    await postWithdrawals(
      apps.map((h) => h.app.url),
      users,
    );
    await expectShownOnceInOrder(standins.slack, users, 20_000);
  });
});
