import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf } from '../support/modals.ts';
import { click, messageShowing, pressMark, requestTransfer, runTransfer, transferCalls, unknownTransfer } from './support.ts';

// TRANSFER_DAILY_LIMIT (per customer) and TRANSFER_DAILY_TOTAL_LIMIT (all customers) over
// any rolling 24 hours; succeeded, executing and unknown transfers count.
let h: Harness;
afterEach(() => h.stop());

describe('daily limits', () => {
  it('a request over what is left is refused at once, saying how much is left and when more frees up', async () => {
    h = await startHarness({ env: { TRANSFER_DAILY_LIMIT: '100' } });
    const { posted } = await requestTransfer(h, 'billyjoel 70');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    const refused = JSON.stringify((await runTransfer(h, 'billyjoel 40')).reply);
    expect(refused).toContain('TRANSFER_DAILY_LIMIT');
    expect(refused).toContain('30.00 USDC');
    expect(refused).toContain('more frees up');
    // Another customer has its own allowance.
    await requestTransfer(h, 'adaline 90');
  });

  it('two transfers that each fit but together exceed the limit never both execute (concurrent confirms)', async () => {
    h = await startHarness({ env: { TRANSFER_DAILY_LIMIT: '100' } });
    const a = (await requestTransfer(h, 'billyjoel 60')).posted;
    const b = (await requestTransfer(h, 'billyjoel 60')).posted;
    const calls = transferCalls(h).length;
    await Promise.all([click(h, USERS.treasurer, 'confirm', a), click(h, USERS.treasurer, 'confirm', b)]);
    const shown = await Promise.all(
      [a, b].map((posted) => Promise.race([messageShowing(h, posted, 'Transferred'), messageShowing(h, posted, 'Refused')])),
    );
    expect(shown.filter((text) => text.includes('Transferred'))).toHaveLength(1);
    expect(shown.find((text) => text.includes('Refused'))).toContain('TRANSFER_DAILY_LIMIT');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('the total limit holds across customers', async () => {
    h = await startHarness({ env: { TRANSFER_DAILY_TOTAL_LIMIT: '100' } });
    const a = (await requestTransfer(h, 'billyjoel 60')).posted;
    const b = (await requestTransfer(h, 'adaline 60')).posted;
    await click(h, USERS.treasurer, 'confirm', a);
    await messageShowing(h, a, 'Transferred');
    await click(h, USERS.treasurer, 'confirm', b);
    expect(await messageShowing(h, b, 'Refused')).toContain('TRANSFER_DAILY_TOTAL_LIMIT');
  });

  it('an unknown transfer counts until it is marked as not sent', async () => {
    h = await startHarness({ env: { TRANSFER_DAILY_LIMIT: '100' } });
    const posted = await unknownTransfer(h, 'billyjoel 80');
    expect(JSON.stringify((await runTransfer(h, 'billyjoel 50')).reply)).toContain('TRANSFER_DAILY_LIMIT');
    const opened = nextCall(h, 'views.open');
    await pressMark(h, USERS.treasurer2, 'not_sent', posted);
    await submitView(h, USERS.treasurer2, viewOf(await opened), { note: 'nothing moved in DART' });
    await messageShowing(h, posted, 'Marked as not sent');
    const again = (await requestTransfer(h, 'billyjoel 50')).posted;
    await click(h, USERS.treasurer, 'confirm', again);
    await messageShowing(h, again, 'Transferred');
  });

  it('a day later the allowance is back', async () => {
    let clock = new Date();
    h = await startHarness({ env: { TRANSFER_DAILY_LIMIT: '100' }, now: () => clock });
    const { posted } = await requestTransfer(h, 'billyjoel 100');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    expect(JSON.stringify((await runTransfer(h, 'billyjoel 1')).reply)).toContain('TRANSFER_DAILY_LIMIT');
    clock = new Date(clock.getTime() + 24 * 3_600_000 + 1000);
    await requestTransfer(h, 'billyjoel 100');
  });
});
