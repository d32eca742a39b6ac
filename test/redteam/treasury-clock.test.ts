import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { click, messageShowing, replyTo, requestTransfer, runTransfer, transferCalls } from '../transfers/support.ts';

// Red team, treasury controls at the exact edges of time, with a clock the test sets: the
// 24-hour window of the daily limits (± 1 ms) and the expiry of a confirmation at the very
// millisecond of the click, on both engines. Each holds today.
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const START = Date.parse('2026-11-30T09:00:00.000Z');

async function appWithClock(engine: 'sqlite' | 'postgres', clock: { at: number }, env: Record<string, string> = {}): Promise<Harness> {
  let store: Record<string, string> = { DATABASE_PATH: ':memory:' };
  if (engine === 'postgres') {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    store = { DATABASE_URL: database.url, DATABASE_PATH: '' };
  }
  // The sweeper is kept away (1 h) so only the clicks decide; the clock moves only when the test says.
  const h = await startHarness({ env: { ...store, ...env }, now: () => new Date(clock.at), transferSweepMs: 3_600_000 });
  cleanup.push(() => h.stop());
  return h;
}

describe.each(['sqlite', 'postgres'] as const)('time edges (%s)', (engine) => {
  it('a transfer counts toward the limit until exactly 24 hours after it moved: refused at 24 h − 1 ms, allowed at 24 h', async () => {
    const clock = { at: START };
    const h = await appWithClock(engine, clock, { TRANSFER_DAILY_LIMIT: '100' });
    const { posted } = await requestTransfer(h, 'billyjoel 60');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    clock.at = START + 24 * 3_600_000 - 1;
    const refused = JSON.stringify((await runTransfer(h, 'billyjoel 60')).reply);
    expect(refused).toContain('at most 40.00 USDC may go now');
    expect(refused).toContain(`<!date^${Math.floor((START + 24 * 3_600_000) / 1000)}^`);
    clock.at = START + 24 * 3_600_000;
    const { posted: again } = await requestTransfer(h, 'billyjoel 60');
    await click(h, USERS.treasurer, 'confirm', again);
    await messageShowing(h, again, 'Transferred');
    expect(transferCalls(h)).toHaveLength(2);
  });

  it('a Confirm at the exact millisecond of expiry sends nothing; 1 ms before, it sends once', async () => {
    const clock = { at: START };
    const h = await appWithClock(engine, clock, { TRANSFER_CONFIRM_MINUTES: '10' });
    const late = (await requestTransfer(h, 'billyjoel 5')).posted;
    const onTime = (await requestTransfer(h, 'billyjoel 6')).posted;
    clock.at = START + 10 * 60_000;
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', late))).toContain('expired');
    clock.at = START + 10 * 60_000 - 1;
    await click(h, USERS.treasurer, 'confirm', onTime);
    await messageShowing(h, onTime, 'Transferred');
    expect(transferCalls(h).map((call) => (call.json as { amount?: string }).amount)).toEqual(['6.00']);
  });
});
