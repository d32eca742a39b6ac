import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { runTransfer } from './support.ts';

// Found by the red team: a maximum with no upper bound let a request of 2^53 cents and more
// through to SQLite, which read its cents back as a JavaScript number and threw ("Something
// went wrong", and an orphan `requested` row). The configuration now refuses amounts above
// 1,000,000,000,000.00, and SQLite reads cents as bigint (see the storage contract).
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a transfer of 2^53 cents or more on SQLite', () => {
  it('is refused with a reason, never "Something went wrong"', async () => {
    h = await startHarness({ env: { TRANSFER_MAX_AMOUNT: '1000000000000' } });
    const { ack, reply } = await runTransfer(h, 'billyjoel 90071992547409.93');
    const answer = JSON.stringify(ack?.text !== undefined ? ack : reply);
    expect(answer).not.toContain('Something went wrong');
    expect(answer).toContain('TRANSFER_MAX_AMOUNT');
  });

  it('a maximum above 1,000,000,000,000.00 is refused at start, naming the variable', async () => {
    await expect(startHarness({ env: { TRANSFER_MAX_AMOUNT: '100000000000000' } })).rejects.toThrow(/TRANSFER_MAX_AMOUNT: must be at most/);
  });
});
