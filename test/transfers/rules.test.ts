import { describe, expect, it } from 'vitest';
import { approversNeeded, needsApproval, parseTransferAmount, transferAmountSchema } from '../../src/transfers/amount.ts';
import { history, transferForm, transferMessage } from '../../src/transfers/blocks.ts';
import { refusal, whyClosed, whyNotResolvable } from '../../src/transfers/machine.ts';
import { attentionMessage, resolveModal } from '../../src/transfers/treasury-blocks.ts';
import type { Transfer } from '../../src/transfers/repository.ts';

const limits = {
  maxCents: 10_000_00n,
  approvalCents: 1_000_00n,
  secondApprovalCents: undefined,
  dailyCents: undefined,
  dailyTotalCents: undefined,
};
const t0 = new Date('2025-03-03T09:00:00Z');

function transfer(overrides: Partial<Transfer> = {}): Transfer {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    customer: 'billyjoel',
    customerName: 'Billy Joel',
    amount: '1500.00',
    needsApproval: true,
    secondApproval: false,
    state: 'requested',
    requestedBy: 'U0REQ',
    requestedAt: t0,
    expiresAt: new Date(t0.getTime() + 600_000),
    version: 1,
    shownVersion: 1,
    updatedAt: t0,
    ...overrides,
  };
}

describe('transfer amounts', () => {
  it.each([
    ['50', '50.00'],
    ['50.5', '50.50'],
    ['1,000.00', '1000.00'],
    ['0.01', '0.01'],
    ['10000', '10000.00'],
  ])('accepts %s as %s', (text, decimal) => {
    expect(parseTransferAmount(text, limits)).toMatchObject({ ok: true, decimal });
    expect(transferAmountSchema(limits).parse(text)).toBe(decimal);
  });

  it.each(['0', '0.00', '-5', '1e3', '50.123', 'fifty', '50 USDC', '$50', '50,5', '', '10000.01', 'Infinity', 'NaN', '0x10'])(
    'refuses %j with a reason',
    (text) => {
      const parsed = parseTransferAmount(text, limits);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(5);
    },
  );

  it('needs approval from the threshold up, compared in cents', () => {
    expect(needsApproval('999.99', limits)).toBe(false);
    expect(needsApproval('1000.00', limits)).toBe(true);
    expect(needsApproval('1000.01', limits)).toBe(true);
  });

  it('needs two approvers from the second threshold up, when it is set', () => {
    const tiers = { ...limits, secondApprovalCents: 5_000_00n };
    expect(['999.99', '1000.00', '4999.99', '5000.00'].map((amount) => approversNeeded(amount, tiers))).toEqual([0, 1, 1, 2]);
    expect(approversNeeded('9000.00', limits)).toBe(1);
  });
});

describe('who may do what', () => {
  it('below the threshold only the requester confirms, and nobody approves', () => {
    const small = transfer({ needsApproval: false, amount: '50.00' });
    expect(refusal(small, 'confirm', 'U0REQ')).toBeUndefined();
    expect(refusal(small, 'confirm', 'U0OTHER')).toContain('Only <@U0REQ>');
    expect(refusal(small, 'approve', 'U0OTHER')).toContain('needs no approval');
    expect(refusal(small, 'cancel', 'U0OTHER')).toBeUndefined();
  });

  it('at or above it anyone but the requester approves, and nobody confirms', () => {
    const large = transfer();
    expect(refusal(large, 'approve', 'U0OTHER')).toBeUndefined();
    expect(refusal(large, 'approve', 'U0REQ')).toContain('cannot approve');
    expect(refusal(large, 'confirm', 'U0REQ')).toContain('must approve');
  });

  it('says why a closed transfer can no longer be acted on', () => {
    expect(whyClosed(transfer(), t0)).toBeUndefined();
    expect(whyClosed(transfer(), new Date(t0.getTime() + 600_000))).toContain('expired');
    expect(whyClosed(transfer({ state: 'cancelled', decidedBy: 'U0X' }), t0)).toContain('cancelled by <@U0X>');
    expect(whyClosed(transfer({ state: 'unknown' }), t0)).toContain('Check in DART');
    expect(whyClosed(transfer({ state: 'succeeded' }), t0)).toContain('already gone through');
    expect(whyClosed(transfer({ state: 'void' }), t0)).toContain('cannot be used');
    expect(whyClosed(transfer({ state: 'refused', detail: 'the largest single transfer is now 500.00 USDC' }), t0)).toContain(
      'refused when it was to be sent: the largest',
    );
  });
});

describe('the confirmation message', () => {
  it('escapes the customer name and formats the amount', () => {
    const shown = JSON.stringify(transferMessage(transfer({ customerName: '<!channel> Billy' })));
    expect(shown).toContain('1,500.00 USDC');
    expect(shown).toContain('&lt;!channel&gt; Billy');
    expect(shown).not.toContain('<!channel>');
  });

  it('replaces the buttons with the history once decided', () => {
    const done = transfer({
      state: 'succeeded',
      decidedBy: 'U0APP',
      decidedAt: t0,
      finishedAt: t0,
      detail: 'Amount Transferred Successfully.',
    });
    const shown = JSON.stringify(transferMessage(done));
    expect(shown).not.toContain('"actions"');
    expect(history(done)).toEqual([
      expect.stringContaining('Requested by <@U0REQ>'),
      expect.stringContaining('Approved by <@U0APP>'),
      expect.stringContaining('Transferred · DART answered: Amount Transferred Successfully.'),
    ]);
  });

  it('shows a void or refused transfer without buttons, with the reason', () => {
    const voided = transfer({ state: 'void', decidedAt: t0, detail: 'Slack did not confirm the post' });
    expect(JSON.stringify(transferMessage(voided))).not.toContain('"actions"');
    expect(history(voided)[1]).toContain('Void: Slack did not confirm the post');
    const refused = transfer({
      state: 'refused',
      decidedBy: 'U0APP',
      decidedAt: t0,
      detail: 'the largest single transfer is now 500.00 USDC',
    });
    expect(history(refused)[1]).toContain('Refused when <@U0APP> pressed it: the largest single transfer is now 500.00 USDC');
  });

  it('warns plainly when the outcome is unknown', () => {
    const unknown = transfer({
      state: 'unknown',
      decidedBy: 'U0APP',
      decidedAt: t0,
      finishedAt: t0,
      detail: 'DART did not answer in time',
    });
    const message = transferMessage(unknown);
    expect(JSON.stringify(message)).toContain('may or may not have moved');
    expect(message.text).toContain('OUTCOME UNKNOWN');
  });

  it('an unknown transfer carries Mark as sent / Mark as not sent until resolved, then a history line', () => {
    const unknown = transfer({
      state: 'unknown',
      decidedBy: 'U0APP',
      decidedAt: t0,
      finishedAt: t0,
      detail: 'DART did not answer in time',
    });
    expect(JSON.stringify(transferMessage(unknown))).toMatch(/Mark as sent.*Mark as not sent/);
    const resolved = { ...unknown, resolution: { outcome: 'not_sent' as const, by: 'U0CHK', at: t0, note: 'no <!here> movement in DART' } };
    const shown = JSON.stringify(transferMessage(resolved));
    expect(shown).not.toContain('transfer.mark_sent');
    expect(shown).not.toContain('may or may not have moved');
    expect(history(resolved).at(-1)).toContain('Marked as not sent by <@U0CHK>');
    expect(history(resolved).at(-1)).toContain('no &lt;!here&gt; movement in DART');
    expect(whyNotResolvable(resolved)).toContain('<@U0CHK> already marked this transfer as not sent');
    expect(whyNotResolvable(transfer())).toContain('Only a transfer whose outcome is unknown');
    expect(JSON.stringify(resolveModal(unknown, 'sent'))).toContain('Nothing is sent to DART by this.');
  });

  it('two approvals: who approved and how many are still needed; the first approver cannot approve again', () => {
    const first = transfer({ secondApproval: true, approvedBy: 'U0AP1', approvedAt: t0 });
    const shown = JSON.stringify(transferMessage(first));
    expect(shown).toContain('Approved by <@U0AP1>');
    expect(shown).toContain('1 more approval needed');
    expect(JSON.stringify(transferMessage(transfer({ secondApproval: true })))).toContain('2 approvals needed');
    expect(refusal(first, 'approve', 'U0AP1')).toContain('already approved');
    expect(refusal(first, 'approve', 'U0AP2')).toBeUndefined();
    const done = transfer({ ...first, state: 'succeeded', decidedBy: 'U0AP2', decidedAt: t0, finishedAt: t0 });
    expect(history(done).slice(1, 3)).toEqual([
      expect.stringContaining('Approved by <@U0AP1> (1 of 2)'),
      expect.stringContaining('Approved by <@U0AP2> (2 of 2)'),
    ]);
  });

  it('a waiting confirmation shows the freeze and its reason; one already sent says it is not affected', () => {
    const freeze = { by: 'U0FRZ', at: new Date(t0.getTime() + 1000), reason: 'suspected <!channel> fraud' };
    const waiting = JSON.stringify(transferMessage(transfer(), freeze));
    expect(waiting).toContain('Transfers are frozen');
    expect(waiting).toContain('suspected &lt;!channel&gt; fraud');
    expect(JSON.stringify(transferMessage(transfer({ state: 'executing', decidedBy: 'U0APP', decidedAt: t0 }), freeze))).toContain(
      'the freeze does not stop it',
    );
    expect(
      JSON.stringify(
        transferMessage(
          transfer({ state: 'succeeded', decidedBy: 'U0APP', decidedAt: t0, finishedAt: new Date(t0.getTime() + 2000) }),
          freeze,
        ),
      ),
    ).toContain('the freeze does not stop it');
    expect(
      JSON.stringify(transferMessage(transfer({ state: 'succeeded', decidedBy: 'U0APP', decidedAt: t0, finishedAt: t0 }), freeze)),
    ).not.toContain('frozen');
  });

  it('/dart transfers lists who may act, when each expires, and links to the message', () => {
    const waiting = transfer({ channel: 'C0OPS', messageTs: '1700000000.000100', secondApproval: true, approvedBy: 'U0AP1' });
    const unknown = transfer({ id: 'x2', state: 'unknown', channel: 'C0OPS', messageTs: '1700000001.000200' });
    const shown = JSON.stringify(attentionMessage([waiting, unknown], 2, undefined));
    expect(shown).toContain('https://slack.com/archives/C0OPS/p1700000000000100|message');
    expect(shown).toContain('waits for 1 more approval');
    expect(shown).toContain('outcome unknown');
    expect(JSON.stringify(attentionMessage([], 0, { by: 'U0FRZ', at: t0, reason: 'audit' }))).toMatch(
      /frozen.*No transfer needs anyone now/,
    );
  });

  it('the form carries its channel and shows the limits', () => {
    const view = transferForm({ metadata: { channel: 'C0123' }, limits });
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ channel: 'C0123' });
    expect(JSON.stringify(view)).toContain('At most 10,000.00 USDC; from 1,000.00 USDC');
    expect(JSON.stringify(view)).not.toContain('two other treasurers');
    expect(
      JSON.stringify(transferForm({ metadata: { channel: 'C0123' }, limits: { ...limits, secondApprovalCents: 5_000_00n } })),
    ).toContain('From 5,000.00 USDC two other treasurers must approve.');
  });
});
