import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, replyTo, requestTransfer, transferCalls, type PostedTransfer } from '../transfers/support.ts';

// Red team: sequences of clicks, replays and forgeries that could pay a transfer twice, or
// pay one from a message other than the one the app recorded. Each holds today.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.dart.setLatency(0);
});

/** The exact signed bytes of a click on `posted`, as Slack would send them, so they can be replayed. */
function signedClick(
  user: { id: string; name: string },
  action: 'confirm' | 'approve' | 'cancel',
  posted: PostedTransfer,
  channel = posted.channel,
) {
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: 'T00000001' },
    api_app_id: 'A0DEMO001',
    token: 'verification-token-unused',
    trigger_id: `${Date.now()}.1.abcdef`,
    team: { id: 'T00000001', domain: 'demo' },
    actions: [{ type: 'button', action_id: `transfer.${action}`, block_id: 'b', value: posted.id, action_ts: String(Date.now() / 1000) }],
    container: { type: 'message', message_ts: posted.ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'x' },
    message: { type: 'message', ts: posted.ts, text: posted.text, blocks: posted.blocks },
    state: { values: {} },
    response_url: h.slack.responseUrl(`replay-${Math.random()}`),
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { body, headers: signSlackRequest(SECRETS.signingSecret, body) };
}

describe('one transfer, many clicks', () => {
  it('one signed Confirm replayed eight times at once, then again after it succeeded, calls DART once', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 21');
    const calls = transferCalls(h).length;
    h.dart.setLatency(300);
    const { body, headers } = signedClick(USERS.treasurer, 'confirm', posted);
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.requests.raw(body, headers)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    await messageShowing(h, posted, 'Transferred');
    expect((await h.requests.raw(body, headers)).status).toBe(200);
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('Approve and Cancel pressed together many times: either paid once or cancelled with nothing sent', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 1500');
    const calls = transferCalls(h).length;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        click(h, i % 2 === 0 ? USERS.treasurer2 : USERS.treasurer, i % 2 === 0 ? 'approve' : 'cancel', posted),
      ),
    );
    const row = await h.app.storage.transfers.get(posted.id);
    if (row?.state === 'cancelled') expect(transferCalls(h).length - calls).toBe(0);
    else {
      await messageShowing(h, posted, 'Transferred');
      expect(transferCalls(h).length - calls).toBe(1);
    }
  });

  it('a Confirm after an unknown outcome, and its replay, send nothing more', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 22');
    const calls = transferCalls(h).length;
    h.dart.injectFault({ kind: 'status', status: 502 }, { endpoint: 'customer/transfer-amount' });
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Outcome unknown');
    const again = await replyTo(h, await click(h, USERS.treasurer, 'confirm', posted));
    expect(again).toContain('unknown');
    expect(transferCalls(h).length).toBe(calls + 1);
  });
});

describe('a click that names a transfer but comes from elsewhere', () => {
  it('Confirm on a message with the recorded ts but in another channel is refused; the real one still works once', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 23');
    const calls = transferCalls(h).length;
    const elsewhere = signedClick(USERS.treasurer, 'confirm', posted, CHANNELS.alerts);
    expect((await h.requests.raw(elsewhere.body, elsewhere.headers)).status).toBe(200);
    await h.slack.waitForCall('chat.update', (call) => call.args.channel === CHANNELS.alerts && call.args.ts === posted.ts, 8000);
    expect(transferCalls(h).length).toBe(calls);
    // The recorded message was not touched and still works.
    const recorded = h.slack.messages(posted.channel).find((message) => message.ts === posted.ts);
    expect(recorded?.updated).toBe(0);
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('a click on an ephemeral copy (no message, no channel) sends nothing and leaves the recorded one usable', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 24');
    const calls = transferCalls(h).length;
    const sent = await h.requests.blockAction(
      USERS.treasurer,
      { action_id: 'transfer.confirm', value: posted.id },
      { channelId: CHANNELS.ops },
    );
    expect(await replyTo(h, sent)).toContain('cannot be used');
    expect(transferCalls(h).length).toBe(calls);
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('another treasurer’s Confirm, the requester’s own Approve, and a stranger’s Approve are all refused', async () => {
    const small = (await requestTransfer(h, 'billyjoel 25')).posted;
    const large = (await requestTransfer(h, 'billyjoel 2000')).posted;
    const calls = transferCalls(h).length;
    expect(await replyTo(h, await click(h, USERS.treasurer2, 'confirm', small))).toContain('Only');
    expect(await replyTo(h, await click(h, USERS.treasurer2, 'approve', small))).toContain('needs no approval');
    expect(await replyTo(h, await click(h, USERS.treasurer, 'approve', large))).toContain('cannot approve');
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', large))).toContain('must approve');
    expect(await replyTo(h, await click(h, USERS.stranger, 'approve', large))).toContain('treasurer');
    expect(await replyTo(h, await click(h, USERS.operator, 'cancel', large))).toContain('treasurer');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('a click naming a transfer id that does not exist, or no uuid at all, sends nothing', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 26');
    const calls = transferCalls(h).length;
    const ghost = { ...posted, id: '00000000-0000-4000-8000-000000000000' };
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', ghost))).toContain('no record');
    const junk = { ...posted, id: `${posted.id}' OR 1=1 --` };
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', junk))).toContain('does not name a transfer');
    expect(transferCalls(h).length).toBe(calls);
  });
});
