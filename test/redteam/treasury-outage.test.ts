import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { testDatabaseBehindRelay } from '../support/postgres.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
import { waitUntil } from '../support/webhooks.ts';
import { click, messageShowing, replyTo, requestTransfer, transferCalls } from '../transfers/support.ts';

// Red team: PostgreSQL lost while a transfer's DART call is under way. DART answers while
// the app cannot store the outcome; when the database is back, the transfer must end up
// `unknown` (never re-sent, never shown as anything it cannot know), and a click on it
// must send nothing. (The finish fails while the database is cut; the lease then runs out
// on the database's clock, short here.)
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * The app on PostgreSQL behind a relay the test can cut. The lease of a DART call runs on the
 * database's clock, so the app's cannot hurry it: DART's timeout and the grace are short instead.
 */
async function appBehindProxy(): Promise<{ h: Harness; proxy: TcpProxy }> {
  const { url, proxy } = await testDatabaseBehindRelay(cleanup);
  const h = await startHarness({
    env: {
      DATABASE_URL: url,
      DATABASE_PATH: '',
      DART_AUDIT_CHANNEL: CHANNELS.audit,
      TRANSFER_DAILY_LIMIT: '100',
      DART_TIMEOUT_MS: '1500',
    },
    transferSweepMs: 200,
    executionGraceMs: 500,
  });
  cleanup.push(() => h.stop());
  return { h, proxy };
}

describe('PostgreSQL lost during a transfer’s DART call', () => {
  it('the outcome that could not be stored becomes unknown once the database is back; nothing is sent again, and it still counts toward the limit', async () => {
    const { h, proxy } = await appBehindProxy();
    const { posted } = await requestTransfer(h, 'billyjoel 60');
    h.dart.setLatency(700);
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Executing');
    await proxy.cut();
    await waitUntil('DART to be called', () => transferCalls(h).length === 1);
    await waitUntil(
      'the app to fail to store DART’s answer',
      () => h.logs.some((line) => line.includes('transfer click failed') && /cannot be reached/.test(line)),
      10_000,
    );
    h.dart.setLatency(0);
    await proxy.restore();
    // Past DART's timeout and the grace, on the database's clock: the sweeper takes the execution for abandoned.
    const shown = await messageShowing(h, posted, 'Outcome unknown', 20_000);
    expect(shown).toContain('Mark as sent');
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted))).not.toContain('Transferred');
    const over = await h.requests.slashCommand(USERS.treasurer, 'transfer billyjoel 50');
    const reply = await h.slack.waitForResponse(
      (r) => r.id === over.responseId && JSON.stringify(r.body).includes('TRANSFER_DAILY_LIMIT'),
      8000,
    );
    expect(JSON.stringify(reply.body)).toContain('at most 40.00 USDC may go now');
    expect(transferCalls(h)).toHaveLength(1);
  });
});
