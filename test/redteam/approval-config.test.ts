import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';

// Red team: the configuration changes between the first and the second approval (a restart
// on the same SQLite file). The second approval must re-check every rule under the new
// configuration. Each holds today.
let standins: Standins;
const running: Harness[] = [];
beforeAll(async () => {
  standins = await startStandins({
    botToken: SECRETS.botToken,
    dartToken: SECRETS.dartToken,
    folderPrefix: 'dart-slack-redteam-approvals-',
  });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
});
afterAll(() => standins.stop());

const TARA = { id: 'U0TREASU03', name: 'tara' };
const BASE = {
  DART_TREASURERS: `${USERS.treasurer.id},${USERS.treasurer2.id},${TARA.id}`,
  TRANSFER_SECOND_APPROVAL_THRESHOLD: '5000',
  TRANSFER_CONFIRM_MINUTES: '60',
};

async function instance(path: string, env: Record<string, string>): Promise<Harness> {
  const h = await startHarness({ dart: standins.dart, slack: standins.slack, env: { DATABASE_PATH: path, ...env } });
  running.push(h);
  return h;
}

describe('configuration changed between the first and the second approval', () => {
  const cases: Array<{ name: string; env: Record<string, string>; reason: string }> = [
    { name: 'the maximum lowered below the amount', env: { TRANSFER_MAX_AMOUNT: '5500' }, reason: 'TRANSFER_MAX_AMOUNT' },
    { name: 'a daily limit below the amount', env: { TRANSFER_DAILY_LIMIT: '5999.99' }, reason: 'TRANSFER_DAILY_LIMIT' },
    { name: 'a total daily limit below the amount', env: { TRANSFER_DAILY_TOTAL_LIMIT: '1000' }, reason: 'TRANSFER_DAILY_TOTAL_LIMIT' },
  ];
  for (const { name, env, reason } of cases) {
    it(`${name}: the second approval sends nothing`, async () => {
      const path = standins.databasePath();
      const before = await instance(path, BASE);
      const { posted } = await requestTransfer(before, 'billyjoel 6000');
      await click(before, USERS.treasurer2, 'approve', posted);
      await messageShowing(before, posted, '1 more approval');
      await before.stop();
      running.splice(running.indexOf(before), 1);
      const calls = transferCalls(before).length;
      const after = await instance(path, { ...BASE, ...env });
      await click(after, TARA, 'approve', posted);
      expect(await messageShowing(after, posted, 'Refused')).toContain(reason);
      expect(transferCalls(after).length).toBe(calls);
    });
  }

  it('a one-approver transfer after the second-approval threshold fell below it: one approval sends nothing', async () => {
    const path = standins.databasePath();
    const before = await instance(path, BASE);
    const { posted } = await requestTransfer(before, 'billyjoel 3000');
    await before.stop();
    running.splice(running.indexOf(before), 1);
    const calls = transferCalls(before).length;
    const after = await instance(path, { ...BASE, TRANSFER_SECOND_APPROVAL_THRESHOLD: '2000' });
    await click(after, USERS.treasurer2, 'approve', posted);
    expect(await messageShowing(after, posted, 'Refused')).toContain('TRANSFER_SECOND_APPROVAL_THRESHOLD');
    expect(transferCalls(after).length).toBe(calls);
  });
});
