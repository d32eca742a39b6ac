import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedSlackCall } from '../../src/sandbox/slack/standin.ts';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { applyDartEvent, fireWebhook, webhookFor } from '../../src/sandbox/dart/webhooks.ts';
import { createSeedState } from '../../src/sandbox/dart/state.ts';
import {
  click,
  messageShowing,
  postedTransfer,
  replyTo,
  requestTransfer,
  runCommand,
  runTransfer,
  transferCalls,
  type PostedTransfer,
} from './support.ts';

// Treasury controls: defects the red team found from outside, each now fixed; each test
// states what must happen.
let standins: Standins;
const running: Harness[] = [];

beforeAll(async () => {
  standins = await startStandins({
    botToken: SECRETS.botToken,
    dartToken: SECRETS.dartToken,
    folderPrefix: 'dart-slack-redteam-treasury-',
  });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
  standins.dart.clearFaults();
  // A test may rename a customer in the sandbox: put the seed customers back.
  standins.dart.state.customers.clear();
  for (const customer of createSeedState().customers.values()) standins.dart.state.customers.set(customer.dart_user_name, customer);
});
afterAll(() => standins.stop());

async function instance(databasePath: string, env: Record<string, string> = {}): Promise<Harness> {
  const harness = await startHarness({
    dart: standins.dart,
    slack: standins.slack,
    env: { DATABASE_PATH: databasePath, DART_AUDIT_CHANNEL: CHANNELS.audit, TRANSFER_CONFIRM_MINUTES: '60', ...env },
  });
  running.push(harness);
  return harness;
}

/** A third treasurer, for configurations that drop one of the usual two. */
const TARA = { id: 'U0TREASU03', name: 'tara' };

describe('a freeze redraws every waiting confirmation, not only the first 40', () => {
  // It redrew `needingAttention` (at most 40, unknown ones included); now every waiting one
  // (`TransferRepository.waiting`). Issue 15: "every pending confirmation is redrawn".
  it('with 45 confirmations waiting, all 45 show the freeze', async () => {
    const h = await instance(standins.databasePath());
    const posted: PostedTransfer[] = [];
    for (let index = 0; index < 45; index++) posted.push((await requestTransfer(h, 'billyjoel 1')).posted);
    await runCommand(h, USERS.treasurer, 'freeze redteam check', 'froze all transfers');
    // The redraw goes oldest first: the newest is the last one it reaches.
    await messageShowing(h, posted[44] as PostedTransfer, 'Transfers are frozen', 5000);
  });
});

describe('/dart transfers with more waiting than it lists', () => {
  // It said "40 transfers need someone now" when 45 did: now the count is the true total,
  // and the message says how many more wait than the oldest 40 it lists.
  it('with 45 waiting, it says 45 (or says that more wait than are listed)', async () => {
    const h = await instance(standins.databasePath());
    for (let index = 0; index < 45; index++) await requestTransfer(h, 'billyjoel 1');
    const shown = await runCommand(h, USERS.treasurer, 'transfers', 'need');
    expect(shown).toContain('45 transfers need someone now');
    expect(shown).toContain('and 5 more');
  });
});

describe('the requester’s and the first approver’s role are re-checked when the transfer executes', () => {
  // Issue 15 item 6: "role … re-checked at execution". Only the clicker's role was (the
  // gate); now AccessControl is asked about the requester and a first approver just before
  // the move, which refuses the transfer if one of them is no longer a treasurer.
  it('a transfer requested by a treasurer who has since been removed is refused when another approves it', async () => {
    const path = standins.databasePath();
    const before = await instance(path);
    const { posted } = await requestTransfer(before, 'billyjoel 1500'); // needs one approver
    await before.stop();
    running.splice(running.indexOf(before), 1);
    // Tess is no longer a treasurer (say she left the company); Theo approves her request.
    const after = await instance(path, { DART_TREASURERS: `${USERS.treasurer2.id},${TARA.id}`, DART_OPERATORS: USERS.treasurer.id });
    const calls = transferCalls(after).length;
    await click(after, USERS.treasurer2, 'approve', posted);
    await Promise.race([messageShowing(after, posted, 'Transferred'), messageShowing(after, posted, 'Refused')]);
    expect(transferCalls(after).length).toBe(calls);
    expect(await messageShowing(after, posted, 'Refused')).toContain(`no longer a treasurer (DART_TREASURERS: ${USERS.treasurer.id})`);
  });

  it('a first approval by a treasurer who has since been removed does not count as one of the two', async () => {
    const path = standins.databasePath();
    const env = { TRANSFER_SECOND_APPROVAL_THRESHOLD: '5000', DART_TREASURERS: `${USERS.treasurer.id},${USERS.treasurer2.id},${TARA.id}` };
    const before = await instance(path, env);
    const { posted } = await requestTransfer(before, 'billyjoel 6000');
    await click(before, USERS.treasurer2, 'approve', posted);
    await messageShowing(before, posted, '1 more approval');
    await before.stop();
    running.splice(running.indexOf(before), 1);
    // Theo is removed from the treasurers; Tara gives the "second" approval.
    const after = await instance(path, { ...env, DART_TREASURERS: `${USERS.treasurer.id},${TARA.id}` });
    const calls = transferCalls(after).length;
    const answer = click(after, TARA, 'approve', posted);
    await Promise.race([
      messageShowing(after, posted, 'Transferred'),
      messageShowing(after, posted, 'Refused'),
      answer.then((sent) => replyTo(after, sent)),
    ]);
    expect(transferCalls(after).length).toBe(calls);
    expect(await messageShowing(after, posted, 'Refused')).toContain(`no longer a treasurer (DART_TREASURERS: ${USERS.treasurer2.id})`);
  });
});

describe('the per-customer daily limit follows the customer across DART renames', () => {
  // DART documents renames (the customer-update webhook). The limit summed only transfers
  // under the new transfer's exact user name, so a rename reset it; now it counts every name
  // the rename chain links (as `/dart history` does), at request and inside the move.
  it('60 to billyjoel, DART renames billyjoel to billy, 60 to billy: refused under a limit of 100', async () => {
    const h = await instance(standins.databasePath(), { TRANSFER_DAILY_LIMIT: '100' });
    const first = (await requestTransfer(h, 'billyjoel 60')).posted;
    await click(h, USERS.treasurer, 'confirm', first);
    await messageShowing(h, first, 'Transferred');
    applyDartEvent(standins.dart.state, { kind: 'update', user: 'billyjoel', newUser: 'billy' });
    const { kind, payload } = webhookFor({ kind: 'update', user: 'billyjoel', newUser: 'billy' });
    expect((await fireWebhook(`${h.app.url}/`, SECRETS.webhookSecret, kind, payload)).status).toBeLessThan(300);
    const calls = transferCalls(h).length;
    const { reply } = await runTransfer(h, 'billy 60');
    if (!JSON.stringify(reply).includes('TRANSFER_DAILY_LIMIT')) {
      const second = postedTransfer(
        h.slack.callsTo('chat.postMessage').findLast((call) => call.args.channel === CHANNELS.ops) as RecordedSlackCall,
      );
      await click(h, USERS.treasurer, 'confirm', second);
      await Promise.race([messageShowing(h, second, 'Transferred'), messageShowing(h, second, 'Refused')]);
    }
    expect(transferCalls(h).length).toBe(calls);
  });
});
