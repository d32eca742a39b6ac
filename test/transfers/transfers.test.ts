import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { viewState, type SentRequest } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import {
  click,
  messageShowing,
  replyTo,
  requestTransfer,
  runTransfer,
  pendingTransfers,
  transferCalls,
  type PostedTransfer,
} from './support.ts';

// The app's clock: each test starts a day later, so requests of earlier tests are long expired.
let clock = new Date('2025-03-03T09:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => clock, transferSweepMs: 100 });
});
afterAll(() => h.stop());
beforeEach(async () => {
  clock = new Date(clock.getTime() + 86_400_000);
  h.dart.clearFaults();
  h.dart.setLatency(0);
  h.slack.reset();
});

function minutesLater(minutes: number) {
  clock = new Date(clock.getTime() + minutes * 60_000);
}

/** Presses Confirm five times at once as the requester; every click is acked. */
async function fiveConfirms(posted: PostedTransfer) {
  const clicks = await Promise.all(Array.from({ length: 5 }, () => click(h, USERS.treasurer, 'confirm', posted)));
  for (const sent of clicks) expect(sent.status).toBe(200);
  return clicks;
}

describe('/dart transfer below the approval threshold', () => {
  it('posts a confirmation in the channel and calls nothing', async () => {
    const calls = transferCalls(h).length;
    const { posted, reply } = await requestTransfer(h, 'billyjoel 50');
    expect(posted.channel).toBe(CHANNELS.ops);
    const shown = JSON.stringify(posted.blocks);
    expect(shown).toContain('Billy Joel');
    expect(shown).toContain('billyjoel');
    expect(shown).toContain('50.00 USDC');
    expect(shown).toContain(`<@${USERS.treasurer.id}>`);
    expect(shown).toMatch(/<!date\^\d+\^/); // the expiry, in each reader's time zone
    expect(posted.text).toContain('50.00 USDC');
    const buttons = (posted.blocks as Array<{ type: string; elements?: Array<{ action_id: string }> }>)
      .find((block) => block.type === 'actions')
      ?.elements?.map((element) => element.action_id);
    expect(buttons).toEqual(['transfer.confirm', 'transfer.cancel']);
    expect(JSON.stringify(reply)).toContain('Press *Confirm*');
    expect(reply?.response_type).toBe('ephemeral');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('five simultaneous Confirm clicks by the requester make exactly one DART call, and the message shows success', async () => {
    h.dart.setLatency(300); // keep the call open while the other clicks arrive
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 50');
    const clicks = await fiveConfirms(posted);
    const shown = await messageShowing(h, posted, 'Transferred');
    expect(shown).toContain('Confirmed by');
    expect(shown).toContain('Amount Transferred Successfully.');
    expect(shown).not.toContain('transfer.confirm'); // the buttons are gone
    // The four others are told, each, that it is already done or under way.
    const ids = new Set(clicks.map((sent) => sent.responseId));
    const told = new Set<string>();
    for (let other = 0; other < 4; other += 1) {
      const answer = await h.slack.waitForResponse((r) => ids.has(r.id) && !told.has(r.id), 8000);
      expect(JSON.stringify(answer.body)).toMatch(/already (confirmed|gone through)/);
      told.add(answer.id);
    }
    const sentToDart = transferCalls(h).slice(calls);
    expect(sentToDart).toHaveLength(1);
    expect(sentToDart[0]?.json).toEqual({ userId: 'billyjoel', amount: '50.00' });
    expect(h.dart.state.customers.get('billyjoel')?.usdc_balance).toBeDefined();
  });

  it('shows "Executing…" before DART answers', async () => {
    h.dart.setLatency(500);
    const { posted } = await requestTransfer(h, 'adaline 12.5');
    await click(h, USERS.treasurer, 'confirm', posted);
    const executing = await h.slack.waitForCall('chat.update', (call) => call.args.ts === posted.ts);
    expect(JSON.stringify(executing.args)).toContain('Executing…');
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).at(-1)?.json).toEqual({ userId: 'adaline', amount: '12.50' });
  });

  it('sends amounts to DART as decimal strings, commas removed', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 1,234.5');
    expect(JSON.stringify(posted.blocks)).toContain('1,234.50 USDC');
    await click(h, USERS.treasurer2, 'approve', posted);
    await messageShowing(h, posted, 'Transferred');
    const body = transferCalls(h).at(-1)?.json as { amount: unknown };
    expect(body.amount).toBe('1234.50');
    expect(typeof body.amount).toBe('string');
  });

  it('Cancel then Confirm: cancelled, the Confirm is told why, nothing is sent', async () => {
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 20');
    await click(h, USERS.treasurer2, 'cancel', posted); // any treasurer may cancel
    const shown = await messageShowing(h, posted, 'Cancelled by');
    expect(shown).toContain(`<@${USERS.treasurer2.id}>`);
    expect(shown).toContain('nothing was sent');
    const answer = await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted));
    expect(answer).toContain('cancelled');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('another treasurer’s Confirm changes nothing and says only the requester may', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 20');
    const calls = transferCalls(h).length;
    const answer = await replyTo(h, await click(h, USERS.treasurer2, 'confirm', posted));
    expect(answer).toContain(`Only <@${USERS.treasurer.id}>`);
    expect(answer).toContain('ephemeral');
    expect(h.slack.callsTo('chat.update').filter((call) => call.args.ts === posted.ts)).toHaveLength(0);
    expect(transferCalls(h).length).toBe(calls);
  });

  it('a click by someone without the treasurer role is refused and changes nothing', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 20');
    const calls = transferCalls(h).length;
    for (const user of [USERS.viewer, USERS.operator, USERS.stranger]) {
      const answer = await replyTo(h, await click(h, user, 'confirm', posted));
      expect(answer).toContain('*treasurer* role');
    }
    expect(h.slack.callsTo('chat.update').filter((call) => call.args.ts === posted.ts)).toHaveLength(0);
    expect(transferCalls(h).length).toBe(calls);
  });
});

describe('at or above the approval threshold (1,000.00 USDC by default)', () => {
  it('the requester can never execute it; a second treasurer’s approval makes exactly one call', async () => {
    const calls = transferCalls(h).length;
    const { posted, reply } = await requestTransfer(h, 'billyjoel 1500');
    expect(JSON.stringify(posted.blocks)).toContain('1,500.00 USDC');
    expect(JSON.stringify(reply)).toContain('Another treasurer must press *Approve*');
    const buttons = JSON.stringify(posted.blocks);
    expect(buttons).toContain('transfer.approve');
    expect(buttons).not.toContain('transfer.confirm');

    const selfApproval = await replyTo(h, await click(h, USERS.treasurer, 'approve', posted));
    expect(selfApproval).toContain('you cannot approve it');
    // A forged Confirm (there is no such button on this message) is refused too.
    const forged = await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted));
    expect(forged).toContain('must approve it');
    expect(transferCalls(h).length).toBe(calls);

    const approvals = await Promise.all([click(h, USERS.treasurer2, 'approve', posted), click(h, USERS.treasurer2, 'approve', posted)]);
    expect(approvals.map((sent) => sent.status)).toEqual([200, 200]);
    const shown = await messageShowing(h, posted, 'Transferred');
    expect(shown).toContain(`Approved by <@${USERS.treasurer2.id}>`);
    expect(transferCalls(h).slice(calls)).toEqual([expect.objectContaining({ json: { userId: 'billyjoel', amount: '1500.00' } })]);
  });

  it('the requester may still cancel it', async () => {
    const { posted } = await requestTransfer(h, 'grace 1000');
    expect(JSON.stringify(posted.blocks)).toContain('transfer.approve'); // exactly the threshold needs approval
    await click(h, USERS.treasurer, 'cancel', posted);
    await messageShowing(h, posted, 'Cancelled by');
    const late = await replyTo(h, await click(h, USERS.treasurer2, 'approve', posted));
    expect(late).toContain('cancelled');
  });
});

describe('expiry', () => {
  it('a click after TRANSFER_CONFIRM_MINUTES is refused and the message shows expired', async () => {
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 30');
    minutesLater(10);
    const answer = await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted));
    expect(answer).toContain('expired');
    expect(answer).toContain('Nothing was sent');
    await messageShowing(h, posted, 'Expired');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('is still confirmable a minute before expiry', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 31');
    minutesLater(9);
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
  });

  it('the sweeper marks a stale confirmation expired without any click', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 32');
    minutesLater(11);
    const shown = await messageShowing(h, posted, 'Expired');
    expect(shown).not.toContain('transfer.confirm');
    const audit = await h.app.storage.audit.forCustomer('billyjoel', { limit: 5 });
    expect(audit.some((entry) => entry.action === 'transfer.expire' && entry.sent.transfer === posted.id)).toBe(true);
  });
});

describe('DART’s answer', () => {
  it('hanging: the outcome is unknown, said plainly, and never sent again', async () => {
    h.dart.injectFault({ kind: 'hang' }, { endpoint: 'customer/transfer-amount' });
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 40');
    await click(h, USERS.treasurer, 'confirm', posted);
    const shown = await messageShowing(h, posted, 'Outcome unknown');
    expect(shown).toContain('may or may not have moved');
    expect(shown).toContain('Check the customer’s main wallet in DART, then press *Mark as sent* or *Mark as not sent*');
    const again = await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted));
    expect(again).toContain('unknown');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('500: unknown, exactly one call', async () => {
    h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/transfer-amount', times: 5 });
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 41');
    await click(h, USERS.treasurer, 'confirm', posted);
    const shown = await messageShowing(h, posted, 'Outcome unknown');
    expect(shown).toContain('HTTP 500');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('connection dropped: unknown', async () => {
    h.dart.injectFault({ kind: 'reset' }, { endpoint: 'customer/transfer-amount' });
    const { posted } = await requestTransfer(h, 'billyjoel 42');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Outcome unknown');
  });

  it('422: failed, with DART’s message', async () => {
    h.dart.injectFault(
      { kind: 'status', status: 422, body: '{"message":"Insufficient partner balance."}' },
      { endpoint: 'customer/transfer-amount' },
    );
    const { posted } = await requestTransfer(h, 'billyjoel 43');
    await click(h, USERS.treasurer, 'confirm', posted);
    const shown = await messageShowing(h, posted, 'Failed');
    expect(shown).toContain('Insufficient partner balance.');
    const audit = (await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0];
    expect(audit).toMatchObject({ action: 'transfer.execute', outcome: 'failed', dartAnswer: 'Insufficient partner balance.' });
  });

  it('an HTML page with 200: unknown', async () => {
    h.dart.injectFault({ kind: 'html' }, { endpoint: 'customer/transfer-amount' });
    const { posted } = await requestTransfer(h, 'billyjoel 44');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Outcome unknown');
  });
});

describe('refused requests: a clear reason, nothing stored or sent', () => {
  const bad = [
    ['0', 'more than 0'],
    ['-5', 'positive'],
    ['1e3', 'plain digits'],
    ['50.123', 'at most 2 decimal places'],
    ['fifty', 'plain digits'],
    ['50 USDC', 'plain digits'],
    ['$50', 'plain digits'],
    ['50,00', 'plain digits'],
    ['10000.01', 'the largest single transfer is 10,000.00 USDC'],
  ] as const;
  for (const [amount, reason] of bad) {
    it(`refuses ${amount}`, async () => {
      const stored = await pendingTransfers(h, clock);
      const dartCalls = h.dart.calls.length;
      const { ack } = await runTransfer(h, `billyjoel ${amount}`);
      expect(ack?.response_type).toBe('ephemeral');
      expect(String(ack?.text)).toContain('Bad &lt;amount&gt;');
      expect(String(ack?.text)).toContain(reason);
      expect(String(ack?.text)).toContain('/dart transfer &lt;user&gt; &lt;amount&gt;');
      expect(await pendingTransfers(h, clock)).toBe(stored);
      expect(h.dart.calls.length).toBe(dartCalls);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    });
  }

  it('accepts the largest amount exactly', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 10,000.00');
    expect(JSON.stringify(posted.blocks)).toContain('10,000.00 USDC');
  });

  it('refuses a bad user name given alone, and sends nothing', async () => {
    const { ack } = await runTransfer(h, '<!channel>');
    expect(String(ack?.text)).toContain('Bad &lt;user&gt;');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });

  it('refuses an unknown customer after asking DART, and stores nothing', async () => {
    const stored = await pendingTransfers(h, clock);
    const { reply } = await runTransfer(h, 'nobody 50');
    expect(JSON.stringify(reply)).toContain('DART has no customer');
    expect(await pendingTransfers(h, clock)).toBe(stored);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('refuses someone who is not a treasurer', async () => {
    const dartCalls = h.dart.calls.length;
    for (const user of [USERS.viewer, USERS.operator]) {
      const { ack } = await runTransfer(h, 'billyjoel 50', user);
      expect(String(ack?.text)).toContain('*treasurer* role');
      expect(String(ack?.text)).toContain('DART_TREASURERS');
    }
    expect(h.dart.calls.length).toBe(dartCalls);
  });

  it('refuses, in a direct message, an amount that needs a second treasurer who could not see it', async () => {
    const stored = await pendingTransfers(h, clock);
    const { reply } = await runTransfer(h, 'billyjoel 1500', USERS.treasurer, 'D0DIRECT01');
    expect(JSON.stringify(reply)).toContain('no other treasurer can see a direct message');
    expect(await pendingTransfers(h, clock)).toBe(stored);
    const small = await requestTransfer(h, 'billyjoel 15', USERS.treasurer, 'D0DIRECT01');
    expect(small.posted.channel).toBe('D0DIRECT01');
  });

  for (const error of ['not_in_channel', 'channel_not_found']) {
    it(`tells the requester how to fix ${error} and stores nothing`, async () => {
      const stored = await pendingTransfers(h, clock);
      h.slack.injectFault('chat.postMessage', { kind: 'error', error });
      const { reply } = await runTransfer(h, 'billyjoel 50');
      expect(reply?.response_type).toBe('ephemeral');
      expect(JSON.stringify(reply)).toMatch(/invite me/i);
      expect(JSON.stringify(reply)).toContain('Nothing was requested');
      expect(await pendingTransfers(h, clock)).toBe(stored);
    });
  }
});

describe('the form', () => {
  /** The form's final view: in the submission's answer, or (when DART or Slack took longer than Slack's window) in a later views.update. */
  const finalView = async (sent: SentRequest) => {
    const answer = JSON.stringify(sent.json);
    if (!answer.includes('hourglass')) return answer;
    return JSON.stringify((await h.slack.waitForCall('views.update', (call) => !JSON.stringify(call.args).includes('hourglass'))).args);
  };
  const submit = (values: { user: string; amount: string }, channel: string = CHANNELS.ops, user = USERS.treasurer) =>
    h.requests.viewSubmission(user, {
      callback_id: 'transfer.request',
      private_metadata: JSON.stringify({ channel }),
      state: viewState({ user: { value: values.user }, amount: { value: values.amount } }),
    });

  it('opens from /dart transfer without arguments, for this channel', async () => {
    await h.requests.slashCommand(USERS.treasurer, 'transfer', { channelId: CHANNELS.ops });
    const open = await h.slack.waitForCall('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('transfer.request');
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: CHANNELS.ops });
  });

  it('opens pre-filled from /dart transfer <user>, asking only for the amount', async () => {
    const sentBefore = h.dart.callsTo('customer/transfer-amount').length;
    await h.requests.slashCommand(USERS.treasurer, 'transfer billyjoel', { channelId: CHANNELS.ops });
    const open = await h.slack.waitForCall('views.open');
    expect(JSON.stringify(open.args.view)).toContain('"initial_value":"billyjoel"');
    expect(h.dart.callsTo('customer/transfer-amount')).toHaveLength(sentBefore);
  });

  it('opens pre-filled from the customer card’s Transfer button, which only treasurers see', async () => {
    const card = await h.requests.slashCommand(USERS.treasurer, 'customer billyjoel');
    const body = (await h.slack.waitForResponse((r) => r.id === card.responseId)).body;
    expect(JSON.stringify(body)).toContain('customer.transfer');
    const viewerCard = await h.requests.slashCommand(USERS.viewer, 'customer billyjoel');
    expect(JSON.stringify((await h.slack.waitForResponse((r) => r.id === viewerCard.responseId)).body)).not.toContain('customer.transfer');

    await h.requests.blockAction(USERS.treasurer, { action_id: 'customer.transfer', value: 'billyjoel' }, { channelId: CHANNELS.ops });
    const open = await h.slack.waitForCall('views.open');
    expect(JSON.stringify(open.args.view)).toContain('"initial_value":"billyjoel"');
  });

  it('shows bad fields inline and stores nothing', async () => {
    const stored = await pendingTransfers(h, clock);
    const sent = await submit({ user: 'bad name', amount: '50.123' });
    const ack = sent.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors.user).toContain('user name');
    expect(ack.errors.amount).toContain('at most 2 decimal places');
    const tooMuch = (await submit({ user: 'billyjoel', amount: '20000' })).json as { errors: Record<string, string> };
    expect(tooMuch.errors.amount).toContain('largest single transfer');
    expect(await pendingTransfers(h, clock)).toBe(stored);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('shows an unknown customer inline', async () => {
    const sent = await submit({ user: 'nobody', amount: '50' });
    expect(sent.json).toMatchObject({
      response_action: 'errors',
      errors: { user: expect.stringContaining('DART has no customer nobody') },
    });
  });

  it('posts the confirmation in the channel and says so in the form', async () => {
    const sent = await submit({ user: 'billyjoel', amount: '1,000.00' });
    expect(sent.json).toMatchObject({ response_action: 'update' });
    const post = await h.slack.waitForCall('chat.postMessage', (call) => call.args.channel === CHANNELS.ops);
    expect(JSON.stringify(post.args.blocks)).toContain('1,000.00 USDC');
    expect(JSON.stringify(post.args.blocks)).toContain('transfer.approve');
    expect(await finalView(sent)).toContain('posted for confirmation');
  });

  it('says in the form when the bot cannot post in the channel, and stores nothing', async () => {
    const stored = await pendingTransfers(h, clock);
    h.slack.injectFault('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const sent = await submit({ user: 'billyjoel', amount: '50' });
    expect(await finalView(sent)).toMatch(/Invite me/);
    expect(await pendingTransfers(h, clock)).toBe(stored);
  });

  it('tells the requester privately when DART failed after the form was closed', async () => {
    // DART's deadline longer than Slack's 3-second window, so the form shows "working" first.
    const slow = await startHarness({ env: { DART_TIMEOUT_MS: '3500' } });
    try {
      slow.dart.injectFault({ kind: 'hang' }, { endpoint: 'customer/get' });
      slow.slack.injectFault('views.update', { kind: 'error', error: 'not_found' });
      const sent = await slow.requests.viewSubmission(USERS.treasurer, {
        callback_id: 'transfer.request',
        private_metadata: JSON.stringify({ channel: CHANNELS.ops }),
        state: viewState({ user: { value: 'billyjoel' }, amount: { value: '50' } }),
      });
      expect(JSON.stringify(sent.json)).toContain('hourglass');
      const told = await slow.slack.waitForCall('chat.postEphemeral', (call) => call.args.user === USERS.treasurer.id, 15_000);
      expect(JSON.stringify(told.args)).toContain('Nothing was requested');
      expect(slow.slack.callsTo('chat.postMessage')).toHaveLength(0);
    } finally {
      await slow.stop();
    }
  });
});

describe('the message is the record', () => {
  it('is redrawn by the sweeper when Slack refused the updates at the time', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 45');
    // Slack fails this message's next two updates ("Executing…" and the outcome); other messages are left alone.
    let refused = 0;
    h.slack.override('chat.update', (args) => {
      if (args.ts !== posted.ts) return { ok: true };
      if (++refused === 2) h.slack.override('chat.update', undefined);
      return { ok: false, error: 'fatal_error' };
    });
    await click(h, USERS.treasurer, 'confirm', posted);
    await h.slack.waitForCall('chat.update', (call) => call.args.ts === posted.ts && JSON.stringify(call.args).includes('Transferred'));
    expect(JSON.stringify(h.slack.messages(posted.channel).find((m) => m.ts === posted.ts))).not.toContain('Transferred');
    minutesLater(2);
    const shown = await messageShowing(h, posted, 'Transferred');
    expect(shown).toContain('Amount Transferred Successfully.');
  });
});

describe('audit', () => {
  it('records every step with who asked and who confirmed', async () => {
    const { posted } = await requestTransfer(h, 'grace 2000');
    await click(h, USERS.treasurer2, 'approve', posted);
    await messageShowing(h, posted, 'Transferred');
    const steps = (await h.app.storage.audit.forCustomer('grace', { limit: 10 }))
      .filter((entry) => entry.sent.transfer === posted.id)
      .reverse();
    expect(steps.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['transfer.request', 'recorded'],
      ['transfer.approve', 'recorded'],
      ['transfer.execute', 'succeeded'],
    ]);
    expect(steps[2]).toMatchObject({
      requestedBy: USERS.treasurer.id,
      confirmedBy: USERS.treasurer2.id,
      sent: { customer: 'grace', amount: '2000.00' },
      dartAnswer: 'Amount Transferred Successfully.',
    });
  });
});
