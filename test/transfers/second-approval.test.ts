import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, replyTo, requestTransfer, transferCalls } from './support.ts';

// TRANSFER_SECOND_APPROVAL_THRESHOLD: from it up, two different treasurers, neither the
// requester, must approve; the second approval sends it, once.
const third = { id: 'U0TREASU03', name: 'tara' };
let h: Harness;
afterEach(() => h.stop());

function start(env: Record<string, string> = {}) {
  return startHarness({
    env: {
      DART_TREASURERS: `${USERS.treasurer.id},${USERS.treasurer2.id},${third.id}`,
      TRANSFER_SECOND_APPROVAL_THRESHOLD: '5000',
      ...env,
    },
  });
}

describe('two approvers at or above TRANSFER_SECOND_APPROVAL_THRESHOLD', () => {
  it('the requester cannot approve, the first approver cannot approve twice, the second approval sends it once', async () => {
    h = await start();
    const { posted, reply } = await requestTransfer(h, 'billyjoel 5000');
    expect(JSON.stringify(reply)).toContain('Two other treasurers must press *Approve*');
    expect(posted.text).toContain('waiting for 2 approvals');
    const calls = transferCalls(h).length;

    expect(await replyTo(h, await click(h, USERS.treasurer, 'approve', posted))).toContain('cannot approve');
    await click(h, USERS.treasurer2, 'approve', posted);
    const halfway = await messageShowing(h, posted, '1 more approval needed');
    expect(halfway).toContain('Approved by <@U0TREASU02>');
    expect(transferCalls(h).length).toBe(calls);

    expect(await replyTo(h, await click(h, USERS.treasurer2, 'approve', posted))).toContain('You already approved this transfer');
    expect(await replyTo(h, await click(h, USERS.treasurer, 'approve', posted))).toContain('cannot approve');
    expect(transferCalls(h).length).toBe(calls);

    // The second approval, pressed several times at once: one DART call.
    await Promise.all([click(h, third, 'approve', posted), click(h, third, 'approve', posted), click(h, third, 'approve', posted)]);
    const done = await messageShowing(h, posted, 'Transferred');
    expect(done).toContain('Approved by <@U0TREASU02> (1 of 2)');
    expect(done).toContain('Approved by <@U0TREASU03> (2 of 2)');
    expect(transferCalls(h).slice(calls)).toEqual([expect.objectContaining({ json: { userId: 'billyjoel', amount: '5000.00' } })]);
    const audit = (await h.app.storage.audit.forCustomer('billyjoel', { limit: 5 })).map((entry) => [entry.action, entry.confirmedBy]);
    expect(audit).toContainEqual(['transfer.approve', USERS.treasurer2.id]);
    expect(audit).toContainEqual(['transfer.approve', third.id]);
  });

  it('two different first approvals at once: one counts as the first, the other as the second, and it is sent once', async () => {
    h = await start();
    const { posted } = await requestTransfer(h, 'billyjoel 6000');
    const calls = transferCalls(h).length;
    await Promise.all([click(h, USERS.treasurer2, 'approve', posted), click(h, third, 'approve', posted)]);
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('below the threshold one approval still sends it', async () => {
    h = await start();
    const { posted } = await requestTransfer(h, 'billyjoel 4999.99');
    await click(h, USERS.treasurer2, 'approve', posted);
    await messageShowing(h, posted, 'Transferred');
  });
});
