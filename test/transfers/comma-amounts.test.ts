import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { pendingTransfers, runTransfer } from './support.ts';

// Red-team finding, fixed (was: src/util/money.ts, AMOUNT_PATTERN `\d{1,3}(?:,\d{3})+`): a comma group may start with
// a leading zero, so "0,050" and "0,500" (how a European writes 0.05 and 0.5) are read as
// 50.00 and 500.00 USDC, a thousand times what was meant. A number written with thousands
// separators never starts with "0,"; such input is not "written plainly" (the product specification) and
// should be refused with the usual hint, like "50,00" already is.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('a comma after a leading zero is taken for a thousands separator', () => {
  for (const amount of ['0,050', '0,500', '00,100']) {
    it(`${amount} is refused, not requested as a thousand times more`, async () => {
      const stored = await pendingTransfers(h, new Date());
      const { ack } = await runTransfer(h, `billyjoel ${amount}`);
      expect(String(JSON.stringify(ack))).toContain('amount');
      expect(await pendingTransfers(h, new Date())).toBe(stored);
    });
  }
});
