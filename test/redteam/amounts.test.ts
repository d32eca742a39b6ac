import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewState } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { pendingTransfers, postedTransfer, requestTransfer, runTransfer, transferCalls } from '../transfers/support.ts';

// Red team: odd amounts typed by a treasurer. Anything that is not a plain positive amount
// with at most 2 decimals is refused before a transfer is stored or DART is called.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const REFUSED = [
  '1e3',
  '1E3',
  '0.001',
  '-5',
  '+50',
  '５０',
  '٥٠',
  '50.',
  '.5',
  '0',
  '0.00',
  '00.00',
  '50,00',
  '5,0000',
  '1,00,000',
  '99999999999999999999999999999999',
  '0x32',
  '5_0',
  'Infinity',
  'NaN',
  '50 USDC',
  '$50',
  '50%',
  '5 0',
  '50.5.5',
  '1,000.001',
  '50\u200b',
  '\u202e05',
];

describe('/dart transfer with an odd amount', () => {
  for (const amount of REFUSED) {
    it(`${JSON.stringify(amount)} is refused and nothing is stored or sent`, async () => {
      const stored = await pendingTransfers(h, new Date());
      const calls = transferCalls(h).length;
      const posts = h.slack.callsTo('chat.postMessage').length;
      const { ack } = await runTransfer(h, `billyjoel ${amount}`);
      expect(JSON.stringify(ack)).toContain('amount');
      expect(await pendingTransfers(h, new Date())).toBe(stored);
      expect(transferCalls(h).length).toBe(calls);
      expect(h.slack.callsTo('chat.postMessage').length).toBe(posts);
    });
  }

  for (const [typed, decimal] of [
    ['50', '50.00'],
    ['50.5', '50.50'],
    ['1,000.00', '1000.00'],
    ['0.01', '0.01'],
  ] as const) {
    it(`${typed} is requested as exactly ${decimal}`, async () => {
      const { posted } = await requestTransfer(h, `billyjoel ${typed}`);
      expect((await h.app.storage.transfers.get(posted.id))?.amount).toBe(decimal);
    });
  }

  it('an amount in the form with spaces around it is read as the plain amount', async () => {
    const posts = h.slack.callsTo('chat.postMessage').length;
    const sent = await h.requests.viewSubmission(USERS.treasurer, {
      callback_id: 'transfer.request',
      private_metadata: JSON.stringify({ channel: CHANNELS.ops }),
      state: viewState({ user: { value: 'billyjoel' }, amount: { value: ' 50 ' } }),
    });
    expect(sent.status).toBe(200);
    const post = await h.slack.waitForCall(
      'chat.postMessage',
      (call) => h.slack.callsTo('chat.postMessage').indexOf(call) >= posts && call.args.channel === CHANNELS.ops,
      8000,
    );
    expect((await h.app.storage.transfers.get(postedTransfer(post).id))?.amount).toBe('50.00');
  });
});
