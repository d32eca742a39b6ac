import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { click, messageShowing, replyTo, requestTransfer, runCommand, transferCalls } from './support.ts';

// The treasury controls on PostgreSQL, with two app instances on one database: the daily
// limit holds whichever instance each click reaches, and a freeze set on one is seen by the other.
let standins: Standins;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-slack-treasury-pg-' });
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  standins.dart.setLatency(0);
});
afterAll(() => standins.stop());

async function twoInstances(): Promise<[Harness, Harness]> {
  const database = await createTestDatabase();
  cleanup.push(() => database.drop());
  const start = async () => {
    const h = await startHarness({
      dart: standins.dart,
      slack: standins.slack,
      env: { DATABASE_URL: database.url, DATABASE_PATH: '', TRANSFER_DAILY_LIMIT: '100' },
    });
    cleanup.push(() => h.stop());
    return h;
  };
  return [await start(), await start()];
}

describe('treasury controls on PostgreSQL, two instances', () => {
  it('confirms at the daily limit’s edge on both instances: exactly one executes', async () => {
    const [a, b] = await twoInstances();
    const first = (await requestTransfer(a, 'billyjoel 60')).posted;
    const second = (await requestTransfer(b, 'billyjoel 60')).posted;
    const calls = transferCalls(a).length;
    standins.dart.setLatency(200);
    await Promise.all([
      click(a, USERS.treasurer, 'confirm', first, a.requests),
      click(b, USERS.treasurer, 'confirm', second, b.requests),
      click(b, USERS.treasurer, 'confirm', first, b.requests),
      click(a, USERS.treasurer, 'confirm', second, a.requests),
    ]);
    const shown = await Promise.all(
      [first, second].map((posted) => Promise.race([messageShowing(a, posted, 'Transferred'), messageShowing(a, posted, 'Refused')])),
    );
    expect(shown.filter((text) => text.includes('Transferred'))).toHaveLength(1);
    expect(transferCalls(a).length).toBe(calls + 1);
  });

  it('a freeze set on one instance stops a Confirm on the other; only another treasurer lifts it', async () => {
    const [a, b] = await twoInstances();
    const { posted } = await requestTransfer(b, 'adaline 10');
    await runCommand(a, USERS.treasurer, 'freeze incident review', 'froze all transfers');
    expect(await replyTo(b, await click(b, USERS.treasurer, 'confirm', posted, b.requests))).toContain('incident review');
    expect(await runCommand(b, USERS.treasurer, 'unfreeze', 'other than')).toContain('a treasurer other than');
    await runCommand(b, USERS.treasurer2, 'unfreeze', 'lifted the freeze');
    await click(b, USERS.treasurer, 'confirm', posted, b.requests);
    await messageShowing(b, posted, 'Transferred');
  });
});
