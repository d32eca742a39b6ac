import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, replyTo, requestTransfer, transferCalls } from './support.ts';

// An admin tightens the limits and restarts the app over the same database: transfers
// requested under the old limits must meet the new ones when they are pressed.
let standins: Standins;
const running: Harness[] = [];

beforeAll(async () => {
  standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-slack-limits-' });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
});
afterAll(() => standins.stop());

async function instance(databasePath: string, env: Record<string, string> = {}): Promise<Harness> {
  const harness = await startHarness({ dart: standins.dart, slack: standins.slack, env: { DATABASE_PATH: databasePath, ...env } });
  running.push(harness);
  return harness;
}

/** Requests `text` under the default limits, then restarts the app with `env`. */
async function requestThenTighten(text: string, env: Record<string, string>) {
  const file = standins.databasePath();
  const first = await instance(file);
  const { posted } = await requestTransfer(first, text);
  await first.stop();
  running.splice(running.indexOf(first), 1);
  return { posted, app: await instance(file, env) };
}

describe('limits tightened after a request apply when it is pressed', () => {
  const cases: Array<{
    name: string;
    text: string;
    env: Record<string, string>;
    user: SlackUser;
    action: 'confirm' | 'approve';
    reason: string;
  }> = [
    {
      name: '900 confirmed by its requester alone after the approval threshold became 100',
      text: 'billyjoel 900',
      env: { TRANSFER_APPROVAL_THRESHOLD: '100' },
      user: USERS.treasurer,
      action: 'confirm',
      reason: 'from 100.00 USDC a second treasurer must now approve (TRANSFER_APPROVAL_THRESHOLD)',
    },
    {
      name: '5,000 approved after the maximum became 500',
      text: 'billyjoel 5000',
      env: { TRANSFER_MAX_AMOUNT: '500', TRANSFER_APPROVAL_THRESHOLD: '100' },
      user: USERS.treasurer2,
      action: 'approve',
      reason: 'the largest single transfer is now 500.00 USDC (TRANSFER_MAX_AMOUNT)',
    },
  ];
  for (const { name, text, env, user, action, reason } of cases) {
    it(`${name}: refused, no DART call, shown and audited`, async () => {
      const { posted, app } = await requestThenTighten(text, env);
      const calls = transferCalls(app).length;
      const answer = await replyTo(app, await click(app, user, action, posted));
      expect(answer).toContain(reason);
      expect(answer).toContain('request it again');
      const shown = await messageShowing(app, posted, 'Refused');
      expect(shown).toContain(reason);
      expect(shown).toContain('nothing was sent');
      // Pressed again: still refused, never sent.
      expect(await replyTo(app, await click(app, user, action, posted))).toContain('refused');
      expect(transferCalls(app).length).toBe(calls);
      const audit = (await app.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0];
      expect(audit).toMatchObject({ action: 'transfer.refuse', requestedBy: USERS.treasurer.id, confirmedBy: user.id });
    });
  }

  it('the refused transfer may be requested again, under the new rules', async () => {
    const { posted, app } = await requestThenTighten('billyjoel 900', { TRANSFER_APPROVAL_THRESHOLD: '100' });
    await replyTo(app, await click(app, USERS.treasurer, 'confirm', posted));
    const again = await requestTransfer(app, 'billyjoel 900');
    expect(JSON.stringify(again.posted.blocks)).toContain('transfer.approve');
    await click(app, USERS.treasurer2, 'approve', again.posted);
    await messageShowing(app, again.posted, 'Transferred');
  });
});
