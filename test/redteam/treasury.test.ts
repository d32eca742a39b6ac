import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf } from '../support/modals.ts';
import { createTestDatabase } from '../support/postgres.ts';
import {
  click,
  messageShowing,
  pressMark,
  replyTo,
  requestTransfer,
  runCommand,
  runTransfer,
  transferCalls,
  unknownTransfer,
  type PostedTransfer,
} from '../transfers/support.ts';

// Red team, treasury controls: attacks from outside that the app withstands today, on both
// engines (SQLite file, PostgreSQL database) and across two instances on one PostgreSQL
// database. Each documents a guarantee that held; a break would show as a failure here.
let standins: Standins;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-slack-redteam-tc-' });
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  standins.dart.setLatency(0);
  standins.dart.clearFaults();
});
afterAll(() => standins.stop());

/** A third treasurer, so a two-approver transfer has two approvers other than its requester. */
const TARA = { id: 'U0TREASU03', name: 'tara' };
const THREE_TREASURERS = `${USERS.treasurer.id},${USERS.treasurer2.id},${TARA.id}`;

type Engine = 'sqlite' | 'postgres';

/** `count` app instances on one fresh store of `engine`. */
async function instances(engine: Engine, count: number, env: Record<string, string> = {}): Promise<Harness[]> {
  let store: Record<string, string>;
  if (engine === 'postgres') {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    store = { DATABASE_URL: database.url, DATABASE_PATH: '' };
  } else {
    store = { DATABASE_PATH: standins.databasePath() };
  }
  const started: Harness[] = [];
  for (let index = 0; index < count; index++) {
    const h = await startHarness({
      dart: standins.dart,
      slack: standins.slack,
      env: { ...store, DART_AUDIT_CHANNEL: CHANNELS.audit, DART_TREASURERS: THREE_TREASURERS, ...env },
    });
    cleanup.push(() => h.stop());
    started.push(h);
  }
  return started;
}

async function one(engine: Engine, env: Record<string, string> = {}): Promise<Harness> {
  const [h] = await instances(engine, 1, env);
  return h as Harness;
}

/** Confirms a small transfer and waits for DART's answer on its message. */
async function pay(h: Harness, text: string): Promise<PostedTransfer> {
  const { posted } = await requestTransfer(h, text);
  await click(h, USERS.treasurer, 'confirm', posted);
  await messageShowing(h, posted, 'Transferred');
  return posted;
}

/** Everything the app sent to Slack (calls and response_url answers). */
function sentToSlack(): string {
  return JSON.stringify([standins.slack.calls, standins.slack.responses]);
}

/** Opens the resolution form on `posted` as `user` through `h`, and returns the view. */
async function openForm(h: Harness, outcome: 'sent' | 'not_sent', posted: PostedTransfer, user: SlackUser = USERS.treasurer2) {
  const opened = nextCall(h, 'views.open');
  await pressMark(h, user, outcome, posted);
  return viewOf(await opened);
}

describe.each(['sqlite', 'postgres'] as const)('daily limits at their exact edge (%s)', (engine) => {
  it('a sum equal to the limit goes; one cent more is refused at request, per customer and in total', async () => {
    const h = await one(engine, { TRANSFER_DAILY_LIMIT: '100', TRANSFER_DAILY_TOTAL_LIMIT: '150.01' });
    await pay(h, 'billyjoel 60');
    await pay(h, 'billyjoel 39.99');
    const over = await runTransfer(h, 'billyjoel 0.02');
    expect(JSON.stringify(over.reply)).toContain('at most 0.01 USDC may go now');
    await pay(h, 'billyjoel 0.01'); // exactly 100.00
    await pay(h, 'adaline 50.01'); // exactly 150.01 in total
    expect(JSON.stringify((await runTransfer(h, 'grace 0.01')).reply)).toContain('TRANSFER_DAILY_TOTAL_LIMIT');
  });

  it('amounts compare as numbers, never as text: 9.99 then 10.00 under a limit of 19.98 is refused', async () => {
    // As text, '10.00' < '9.99'; as cents, 999 + 1000 > 1998.
    const h = await one(engine, { TRANSFER_DAILY_LIMIT: '19.98' });
    const first = (await requestTransfer(h, 'billyjoel 9.99')).posted;
    const second = (await requestTransfer(h, 'billyjoel 10.00')).posted;
    await click(h, USERS.treasurer, 'confirm', first);
    await messageShowing(h, first, 'Transferred');
    const calls = transferCalls(h).length;
    await click(h, USERS.treasurer, 'confirm', second);
    expect(await messageShowing(h, second, 'Refused')).toContain('TRANSFER_DAILY_LIMIT');
    expect(transferCalls(h).length).toBe(calls);
  });

  it('an unknown transfer counts; once marked as not sent it stops counting, marked as sent it keeps counting', async () => {
    const h = await one(engine, { TRANSFER_DAILY_LIMIT: '100' });
    const unknown = await unknownTransfer(h, 'billyjoel 70');
    expect(JSON.stringify((await runTransfer(h, 'billyjoel 40')).reply)).toContain('at most 30.00 USDC may go now');
    await submitView(h, USERS.treasurer2, await openForm(h, 'not_sent', unknown), { note: 'nothing in the DART ledger' });
    await messageShowing(h, unknown, 'Marked as not sent');
    const again = await pay(h, 'billyjoel 70');
    expect(again.id).not.toBe(unknown.id);
    const second = await unknownTransfer(h, 'adaline 90');
    await submitView(h, USERS.treasurer2, await openForm(h, 'sent', second), { note: 'seen in the DART ledger' });
    await messageShowing(h, second, 'Marked as sent');
    expect(JSON.stringify((await runTransfer(h, 'adaline 20')).reply)).toContain('at most 10.00 USDC may go now');
  });
});

describe.each(['sqlite', 'postgres'] as const)('text a treasurer types never reaches SQL or mrkdwn as code (%s)', (engine) => {
  // Table names by variable: no test spells SQL on a table (test/unit/imports.test.ts).
  const [transfers, freezes] = ['transfers', 'transfer_freezes'];
  const nasty = `x'); DELETE FROM ${transfers}; DROP TABLE ${freezes}; -- " \\ <!channel> <https://evil.example|click> &lt;`;

  it('a freeze reason and a resolution note full of SQL and mrkdwn are stored and shown as typed, escaped', async () => {
    const h = await one(engine);
    const unknown = await unknownTransfer(h, 'billyjoel 12');
    const waiting = (await requestTransfer(h, 'adaline 5')).posted;
    await runCommand(h, USERS.treasurer, `freeze ${nasty}`, 'froze all transfers');
    await messageShowing(h, waiting, 'Transfers are frozen');
    expect(await runCommand(h, USERS.treasurer2, 'transfers', 'need')).toContain('2 transfers need someone now');
    await submitView(h, USERS.treasurer2, await openForm(h, 'sent', unknown), { note: nasty });
    await messageShowing(h, unknown, 'Marked as sent');
    expect(await runCommand(h, USERS.viewer, 'history billyjoel', 'marked')).toContain(`DELETE FROM ${transfers}`);
    expect(await runCommand(h, USERS.treasurer2, 'unfreeze', 'lifted the freeze')).toContain(`DROP TABLE ${freezes}`);
    const shown = sentToSlack();
    expect(shown).not.toMatch(/(?<!&lt;)<!channel>|<https:\/\/evil/);
    expect(shown).toContain('&amp;lt;');
    await click(h, USERS.treasurer, 'confirm', waiting);
    await messageShowing(h, waiting, 'Transferred');
  });

  it('a freeze reason of 100 KB is refused with a clear answer, and nothing is frozen', async () => {
    const h = await one(engine);
    const answer = await runCommand(h, USERS.treasurer, `freeze ${'a'.repeat(100_000)}`, 'Nothing was frozen');
    expect(answer).toContain('under 500 characters');
    await pay(h, 'billyjoel 3');
  });
});

describe('two instances on one PostgreSQL database', () => {
  it('the same treasurer approving twice at once on both instances is one approval; the third treasurer on both sends it once', async () => {
    const [a, b] = (await instances('postgres', 2, { TRANSFER_SECOND_APPROVAL_THRESHOLD: '5000' })) as [Harness, Harness];
    const { posted } = await requestTransfer(a, 'billyjoel 6000');
    const calls = transferCalls(a).length;
    const twice = await Promise.all([
      click(a, USERS.treasurer2, 'approve', posted, a.requests),
      click(b, USERS.treasurer2, 'approve', posted, b.requests),
      click(b, USERS.treasurer, 'approve', posted, b.requests),
    ]);
    await messageShowing(a, posted, '1 more approval');
    expect(await replyTo(b, twice[2] as (typeof twice)[number])).toContain('requested');
    standins.dart.setLatency(100);
    await Promise.all([
      click(a, TARA, 'approve', posted, a.requests),
      click(b, TARA, 'approve', posted, b.requests),
      click(a, USERS.treasurer2, 'approve', posted, a.requests),
    ]);
    await messageShowing(a, posted, 'Transferred');
    expect(transferCalls(a).length).toBe(calls + 1);
  });

  it('two treasurers resolving at once on two instances: one wins, the other is told who', async () => {
    const [a, b] = (await instances('postgres', 2)) as [Harness, Harness];
    const unknown = await unknownTransfer(a, 'billyjoel 33');
    const first = await openForm(a, 'sent', unknown, USERS.treasurer);
    const second = await openForm(b, 'not_sent', unknown, USERS.treasurer2);
    const acks = (
      await Promise.all([
        submitView(a, USERS.treasurer, first, { note: 'seen' }),
        submitView(b, USERS.treasurer2, second, { note: 'not seen' }),
      ])
    ).map((answer) => JSON.stringify(answer.json));
    expect(acks.filter((ack) => ack.includes('already marked this transfer'))).toHaveLength(1);
  });

  it('freezes by two treasurers at once on two instances make one freeze; its setter cannot lift it from the other instance; two lifts at once lift it once', async () => {
    const [a, b] = (await instances('postgres', 2)) as [Harness, Harness];
    const answers = await Promise.all([
      runCommand(a, USERS.treasurer, 'freeze first', 'roze'),
      runCommand(b, USERS.treasurer2, 'freeze second', 'roze'),
    ]);
    expect(answers.filter((answer) => answer.includes('froze all transfers'))).toHaveLength(1);
    expect(answers.filter((answer) => answer.includes('already frozen'))).toHaveLength(1);
    const freeze = await a.app.storage.transfers.currentFreeze();
    const setter = freeze?.by === USERS.treasurer.id ? USERS.treasurer : USERS.treasurer2;
    const setterOn = setter === USERS.treasurer ? b : a;
    expect(await runCommand(setterOn, setter, 'unfreeze', 'other than')).toContain('Only a treasurer other than');
    const lifts = await Promise.all([runCommand(a, TARA, 'unfreeze', '.'), runCommand(b, TARA, 'unfreeze', '.')]);
    expect(lifts.filter((answer) => answer.includes('lifted the freeze'))).toHaveLength(1);
    expect(await a.app.storage.transfers.currentFreeze()).toBeUndefined();
    await pay(b, 'billyjoel 2');
  });

  it('a freeze racing Confirms on the other instance: each transfer either went to DART before it or still waits; none after', async () => {
    const [a, b] = (await instances('postgres', 2)) as [Harness, Harness];
    const waiting: PostedTransfer[] = [];
    for (let index = 0; index < 6; index++) waiting.push((await requestTransfer(a, `billyjoel ${index + 1}`)).posted);
    const calls = transferCalls(a).length;
    await Promise.all([
      runCommand(a, USERS.treasurer, 'freeze race', 'froze all transfers'),
      ...waiting.map((posted) => click(b, USERS.treasurer, 'confirm', posted, b.requests)),
    ]);
    const states = await Promise.all(waiting.map((posted) => a.app.storage.transfers.get(posted.id)));
    // Wait for every DART call under way to end, then count.
    for (const [index, state] of states.entries()) {
      if (state?.state !== 'requested') await messageShowing(a, waiting[index] as PostedTransfer, 'Transferred');
    }
    const sent = states.filter((state) => state?.state !== 'requested').length;
    expect(transferCalls(a).length).toBe(calls + sent);
    // Once the freeze is in, nothing still waiting moves, whichever instance gets the click.
    for (const [index, state] of states.entries()) {
      if (state?.state !== 'requested') continue;
      const posted = waiting[index] as PostedTransfer;
      expect(await replyTo(a, await click(a, USERS.treasurer, 'confirm', posted, a.requests))).toContain('Transfers are frozen');
    }
    expect(transferCalls(a).length).toBe(calls + sent);
  });
});
