import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';

// Red-team finding, fixed (was: src/dart/answers.ts, writeSuccess): a plain JSON string answered 2xx to a write counts
// as a success unless it contains one of a short list of failure words (FAILURE_WORDS). Failure
// wordings outside that list are recorded as "succeeded": the transfer's message says
// "Transferred", the audit says succeeded, and treasurers believe money moved that did not.
// Issue 10 item 3 asks that a 2xx that reads as an error be unknown, never succeeded; a
// deny-list of words cannot promise that. Expected: such an answer is "Outcome unknown".
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

const FAILURES_READ_AS_SUCCESS: Array<[string, string]> = [
  ['"Transfer unsuccessful."', '"Transfer unsuccessful."'],
  ['"Not enough balance."', '"Not enough balance."'],
  ['"Transaction declined."', '"Transaction declined."'],
  ['"Amount exceeds the available balance."', '"Amount exceeds the available balance."'],
  ['{"message":"Customer is not active."}', '{"message":"Customer is not active."}'],
];

describe('a 200 whose plain-string body says the transfer did not happen', () => {
  for (const [name, body] of FAILURES_READ_AS_SUCCESS) {
    it(`200 ${name} is recorded as unknown, not as transferred`, async () => {
      const { posted } = await requestTransfer(h, 'billyjoel 40');
      const before = transferCalls(h).length;
      h.dart.injectFault({ kind: 'status', status: 200, body }, { endpoint: 'customer/transfer-amount' });
      await click(h, USERS.treasurer, 'confirm', posted);
      await h.slack.waitForCall('chat.update', (call) => call.args.ts === posted.ts && /Transferred|Outcome unknown/.test(JSON.stringify(call.args)), 8000);
      expect(transferCalls(h)).toHaveLength(before + 1);
      const [entry] = h.app.services.audit.store.forCustomer('billyjoel', { limit: 1 });
      expect(entry).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
      expect(await messageShowing(h, posted, 'Outcome unknown')).not.toContain('Transferred');
    });
  }
});
