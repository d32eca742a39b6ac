import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls, type PostedTransfer } from '../transfers/support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

/** A payload exactly as given, signed with the real signing secret: a forgery by someone who holds it, or a Slack oddity. */
function signed(payload: Record<string, unknown>) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return h.requests.raw(body, signSlackRequest(SECRETS.signingSecret, body));
}

/** A block_actions click on the approval's Approve button, with `user` fields as given. */
function approveClick(posted: PostedTransfer, fields: Record<string, unknown>) {
  return {
    type: 'block_actions',
    api_app_id: 'A0DEMO001',
    team: { id: 'T00000001', domain: 'demo' },
    trigger_id: '1.2.abc',
    container: { type: 'message', message_ts: posted.ts, channel_id: posted.channel, is_ephemeral: false },
    channel: { id: posted.channel, name: 'ops' },
    message: { type: 'message', ts: posted.ts, text: posted.text, blocks: posted.blocks },
    response_url: h.slack.responseUrl('forged'),
    actions: [{ type: 'button', action_id: 'transfer.approve', block_id: 'b', value: posted.id, action_ts: '1.2' }],
    ...fields,
  };
}

function refusals(reason: string): number {
  return h.logs.filter((line) => line.includes('Slack request refused') && line.includes(`"reason":"${reason}"`)).length;
}

describe('the role gate fails closed', () => {
  it('refuses signed forgeries of an approval (legacy payload, no user, empty user, a treasurer’s user_id over a stranger’s user.id); the real approval still works once', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 2000', USERS.treasurer, CHANNELS.ops);
    const calls = transferCalls(h).length;
    const forgeries: Array<[string, Record<string, unknown>]> = [
      [
        'unclassified',
        { ...approveClick(posted, { user: { id: USERS.stranger.id } }), type: 'interactive_message', callback_id: 'transfer' },
      ],
      ['no_user', approveClick(posted, { user: { id: '' } })],
      ['no_user', approveClick(posted, { user: { name: 'sam' } })],
    ];
    for (const [reason, payload] of forgeries) {
      const before = refusals(reason);
      const sent = await signed(payload);
      expect(sent.status).toBe(200);
      expect(refusals(reason), reason).toBe(before + 1);
    }
    // Without any `user` object Bolt itself cannot build the request's context and answers 500; no listener runs.
    for (const user of [undefined, null]) expect((await signed(approveClick(posted, { user }))).status).toBe(500);
    // Gated on the id the handler acts as: a stranger's user.id, whatever user_id says.
    const before = refusals('forbidden_role');
    await signed(approveClick(posted, { user_id: USERS.treasurer2.id, user: { id: USERS.stranger.id, name: 'sam' } }));
    expect(refusals('forbidden_role')).toBe(before + 1);
    expect(transferCalls(h).length).toBe(calls);

    await click(h, USERS.treasurer2, 'approve', posted);
    const shown = await messageShowing(h, posted, 'Transferred');
    expect(shown).toContain(`Approved by <@${USERS.treasurer2.id}>`);
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('refuses a signed slash command without a user, and another app’s slash command', async () => {
    const calls = h.dart.calls.length;
    for (const [reason, fields] of [
      ['no_user', { command: '/dart', text: 'balance billyjoel', user_id: '' }],
      ['unclassified', { command: '/pay', text: 'balance billyjoel', user_id: USERS.viewer.id }],
    ] as const) {
      const before = refusals(reason);
      const body = new URLSearchParams({ ...fields, channel_id: CHANNELS.ops, response_url: h.slack.responseUrl('x') }).toString();
      const sent = await h.requests.raw(body, signSlackRequest(SECRETS.signingSecret, body));
      expect(sent.status).toBe(200);
      expect(refusals(reason)).toBe(before + 1);
    }
    expect(h.dart.calls.length).toBe(calls);
  });

  it('acks view_closed', async () => {
    const sent = await h.requests.viewClosed(USERS.operator, { callback_id: 'customer.create' });
    expect(sent.status).toBe(200);
  });
});
