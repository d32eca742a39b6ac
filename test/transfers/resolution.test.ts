import { afterEach, describe, expect, it } from 'vitest';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf, type SubmissionAck } from '../support/modals.ts';
import {
  currentMessage,
  messageShowing,
  pressMark,
  replyTo,
  requestTransfer,
  runCommand,
  transferCalls,
  unknownTransfer,
} from './support.ts';

// Mark as sent / Mark as not sent: a treasurer who checked DART closes out an unknown
// outcome. Nothing is ever sent to DART by it.
let h: Harness;
afterEach(() => h.stop());

async function openForm(outcome: 'sent' | 'not_sent', posted: Parameters<typeof pressMark>[3], user: SlackUser = USERS.treasurer2) {
  const opened = nextCall(h, 'views.open');
  await pressMark(h, user, outcome, posted);
  return viewOf(await opened);
}

describe('resolving an unknown transfer', () => {
  it('offers Mark as sent and Mark as not sent to treasurers; others are refused', async () => {
    h = await startHarness();
    const posted = await unknownTransfer(h, 'billyjoel 70');
    expect(JSON.stringify(currentMessage(h, posted).blocks)).toMatch(/Mark as sent.*Mark as not sent/);
    for (const user of [USERS.viewer, USERS.operator]) {
      expect(await replyTo(h, await pressMark(h, user, 'sent', posted))).toContain('treasurer');
    }
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });

  it('needs a note: an empty one is refused on the field and nothing changes', async () => {
    h = await startHarness();
    const posted = await unknownTransfer(h, 'billyjoel 70');
    const view = await openForm('sent', posted);
    const ack = (await submitView(h, USERS.treasurer2, view, { note: '   ' })).json as SubmissionAck;
    expect(ack.response_action).toBe('errors');
    expect(ack.errors?.note).toContain('what you checked in DART');
    expect(JSON.stringify(currentMessage(h, posted).blocks)).toContain('transfer.mark_sent');
  });

  it('marked as sent: the buttons give way to a history line with who, when and the note; audited, in the audit channel and in history; DART untouched', async () => {
    h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
    const posted = await unknownTransfer(h, 'billyjoel 70');
    const calls = transferCalls(h).length;
    const view = await openForm('sent', posted);
    expect(JSON.stringify(view)).toContain('Nothing is sent to DART by this.');
    const ack = (await submitView(h, USERS.treasurer2, view, { note: 'DART ledger shows <!here> 70.00 in main wallet' }))
      .json as SubmissionAck;
    expect(ack.response_action).toBe('update');
    const shown = await messageShowing(h, posted, 'Marked as sent');
    expect(shown).toContain('Marked as sent by <@U0TREASU02>');
    expect(shown).toContain('DART ledger shows &lt;!here&gt; 70.00 in main wallet');
    expect(shown).not.toContain('transfer.mark_sent');
    expect(shown).not.toContain('may or may not have moved');
    await h.slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === CHANNELS.audit && JSON.stringify(call.args).includes('marked'),
    );
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]).toMatchObject({
      action: 'transfer.resolve',
      confirmedBy: USERS.treasurer2.id,
    });
    expect(await runCommand(h, USERS.viewer, 'history billyjoel', 'marked')).toContain('DART ledger shows');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('a long note full of characters to escape is shortened before escaping: no escape is ever cut in half', async () => {
    h = await startHarness();
    const posted = await unknownTransfer(h, 'billyjoel 70');
    await submitView(h, USERS.treasurer2, await openForm('sent', posted), { note: '<'.repeat(1000) });
    const shown = await messageShowing(h, posted, 'Marked as sent');
    expect(shown).toContain(`“${'&lt;'.repeat(300)}…”`);
    expect(shown).not.toMatch(/&(l|lt|g|gt|a|am|amp)?…/);
  });

  it('two treasurers at once: one wins, the other is told who already resolved it', async () => {
    h = await startHarness();
    const posted = await unknownTransfer(h, 'billyjoel 70');
    const first = await openForm('sent', posted, USERS.treasurer);
    const second = await openForm('not_sent', posted, USERS.treasurer2);
    const answers = await Promise.all([
      submitView(h, USERS.treasurer, first, { note: 'seen in DART' }),
      submitView(h, USERS.treasurer2, second, { note: 'not in DART' }),
    ]);
    const acks = answers.map((answer) => JSON.stringify(answer.json));
    const lost = acks.filter((ack) => ack.includes('already marked this transfer'));
    expect(lost).toHaveLength(1);
    const winner = lost[0]!.includes('as sent') ? USERS.treasurer : USERS.treasurer2;
    expect(lost[0]).toContain(`<@${winner.id}> already marked`);
    // Pressing a button left on an old copy of the message says so too, and opens no form.
    expect(await replyTo(h, await pressMark(h, USERS.treasurer, 'sent', posted))).toContain('already marked this transfer');
  });

  it('marked as not sent: it can only be requested again as a new transfer', async () => {
    h = await startHarness();
    const posted = await unknownTransfer(h, 'billyjoel 70');
    await submitView(h, USERS.treasurer2, await openForm('not_sent', posted), { note: 'no movement in DART' });
    const shown = await messageShowing(h, posted, 'Marked as not sent');
    expect(shown).toContain('request a new transfer');
    const calls = transferCalls(h).length;
    expect(
      await replyTo(
        h,
        await h.requests.blockAction(
          USERS.treasurer,
          { action_id: 'transfer.confirm', value: posted.id },
          { channelId: posted.channel, message: currentMessage(h, posted) },
        ),
      ),
    ).toContain('already marked this transfer as not sent');
    expect(transferCalls(h).length).toBe(calls);
    const again = await requestTransfer(h, 'billyjoel 70');
    expect(again.posted.id).not.toBe(posted.id);
  });
});
