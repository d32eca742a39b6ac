import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, replyTo, requestTransfer, runCommand, runTransfer, transferCalls } from './support.ts';

// `/dart freeze <reason>` and `/dart unfreeze`: the freeze lives in the store, so every
// instance on the database sees it at once and it survives a restart.
let standins: Standins;
const running: Harness[] = [];

beforeAll(async () => {
  standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-slack-freeze-' });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
  standins.dart.setLatency(0);
  standins.dart.clearFaults();
});
afterAll(() => standins.stop());

async function instance(databasePath: string): Promise<Harness> {
  const harness = await startHarness({
    dart: standins.dart,
    slack: standins.slack,
    env: { DATABASE_PATH: databasePath, DART_AUDIT_CHANNEL: CHANNELS.audit },
  });
  running.push(harness);
  return harness;
}

describe('/dart freeze', () => {
  it('needs a reason: without one it is refused with the usage, and nothing is frozen', async () => {
    const h = await instance(standins.databasePath());
    const answer = await runCommand(h, USERS.treasurer, 'freeze', 'Usage');
    expect(answer).toContain('Say why transfers are frozen');
    expect(answer).toContain('/dart freeze &lt;reason&gt;');
    const { posted } = await requestTransfer(h, 'billyjoel 20');
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
  });

  it('is for treasurers only, and so are unfreeze and /dart transfers', async () => {
    const h = await instance(standins.databasePath());
    for (const user of [USERS.viewer, USERS.operator, USERS.stranger]) {
      expect(await runCommand(h, user, 'freeze suspicious activity', 'treasurer')).toContain('treasurer');
      expect(await runCommand(h, user, 'unfreeze', 'treasurer')).toContain('treasurer');
      expect(await runCommand(h, user, 'transfers', 'treasurer')).toContain('treasurer');
    }
    expect(await runCommand(h, USERS.treasurer, 'transfers', 'need')).toContain('No transfer needs anyone now');
  });

  it('stops every transfer: pending ones show why and refuse Confirm and Approve, new requests are refused; only another treasurer lifts it', async () => {
    const h = await instance(standins.databasePath());
    const small = (await requestTransfer(h, 'billyjoel 40')).posted;
    const large = (await requestTransfer(h, 'billyjoel 1500')).posted;
    const calls = transferCalls(h).length;

    const announced = await runCommand(h, USERS.treasurer, 'freeze card fraud <!channel> suspected', 'froze all transfers');
    expect(announced).toContain('"response_type":"in_channel"');
    expect(announced).toContain('card fraud &lt;!channel&gt; suspected');
    await h.slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === CHANNELS.audit && JSON.stringify(call.args).includes('froze all transfers'),
    );
    for (const posted of [small, large]) expect(await messageShowing(h, posted, 'Transfers are frozen')).toContain('card fraud');

    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', small))).toContain('Transfers are frozen since');
    expect(await replyTo(h, await click(h, USERS.treasurer2, 'approve', large))).toContain('Transfers are frozen since');
    const refused = await runTransfer(h, 'billyjoel 10');
    expect(JSON.stringify(refused.reply)).toContain('Transfers are frozen since');
    expect(JSON.stringify(refused.reply)).toContain('card fraud');
    expect(await runCommand(h, USERS.treasurer, 'help', 'commands')).toContain('Transfers are frozen');
    expect(await runCommand(h, USERS.treasurer2, 'transfers', 'need')).toMatch(/Transfers are frozen.*2 transfers need someone now/);
    expect(transferCalls(h).length).toBe(calls);

    expect(await runCommand(h, USERS.treasurer, 'unfreeze', 'other than')).toContain('a treasurer other than <@U0TREASU01>');
    const lifted = await runCommand(h, USERS.treasurer2, 'unfreeze', 'lifted the freeze');
    expect(lifted).toContain('"response_type":"in_channel"');
    await h.slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === CHANNELS.audit && JSON.stringify(call.args).includes('lifted the freeze'),
    );
    await h.slack.waitForCall('chat.update', (call) => call.args.ts === small.ts && !JSON.stringify(call.args).includes('frozen'));
    await click(h, USERS.treasurer, 'confirm', small);
    await messageShowing(h, small, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('a transfer already sent to DART when the freeze came goes on, and its message says so', async () => {
    const h = await instance(standins.databasePath());
    const { posted } = await requestTransfer(h, 'billyjoel 30');
    standins.dart.setLatency(800);
    const calls = transferCalls(h).length;
    await click(h, USERS.treasurer, 'confirm', posted);
    await h.slack.waitForCall('chat.update', (call) => call.args.ts === posted.ts && JSON.stringify(call.args).includes('Executing'));
    await runCommand(h, USERS.treasurer2, 'freeze halt', 'froze all transfers');
    await messageShowing(h, posted, 'the freeze does not stop it');
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });

  it('racing a Confirm: either the click wins and the money moves once, or the freeze wins and nothing moves', async () => {
    const h = await instance(standins.databasePath());
    for (let round = 0; round < 3; round += 1) {
      const { posted } = await requestTransfer(h, 'billyjoel 5');
      const calls = transferCalls(h).length;
      const [pressed] = await Promise.all([
        click(h, USERS.treasurer, 'confirm', posted),
        runCommand(h, USERS.treasurer2, `freeze round ${round}`, 'froze all transfers'),
      ]);
      const settled = await Promise.race([
        messageShowing(h, posted, 'Transferred').then(() => 'sent'),
        h.slack.waitForResponse((r) => r.id === pressed.responseId && JSON.stringify(r.body).includes('frozen'), 8000).then(() => 'frozen'),
      ]);
      expect(transferCalls(h).length).toBe(settled === 'sent' ? calls + 1 : calls);
      await runCommand(h, USERS.treasurer, 'unfreeze', 'lifted the freeze');
    }
  });

  it('survives a restart and is seen at once by another instance on the same database', async () => {
    const file = standins.databasePath();
    const first = await instance(file);
    const other = await instance(file);
    const { posted } = await requestTransfer(other, 'billyjoel 25');
    await runCommand(first, USERS.treasurer, 'freeze quarterly audit', 'froze all transfers');
    expect(await replyTo(other, await click(other, USERS.treasurer, 'confirm', posted))).toContain('quarterly audit');
    await Promise.all(running.splice(0).map((harness) => harness.stop()));

    const restarted = await instance(file);
    expect(JSON.stringify((await runTransfer(restarted, 'billyjoel 10')).reply)).toContain('quarterly audit');
    expect(await replyTo(restarted, await click(restarted, USERS.treasurer, 'confirm', posted))).toContain('Transfers are frozen since');
    await runCommand(restarted, USERS.treasurer2, 'unfreeze', 'lifted the freeze');
    await click(restarted, USERS.treasurer, 'confirm', posted);
    await messageShowing(restarted, posted, 'Transferred');
  });
});
