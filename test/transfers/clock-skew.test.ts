import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, USERS } from '../support/harness.ts';
import { nextCall, submitView, viewOf } from '../support/modals.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { click, messageShowing, pressMark, requestTransfer, transferCalls } from './support.ts';

// Found by the red team: the lease that declares an execution abandoned compared the
// sweeping host's clock with `decided_at` stamped by another host, so an instance whose clock
// ran over 30 s ahead declared another instance's LIVE call unknown; a treasurer marked it
// not sent, DART's answer then overwrote that, and the message invited a second payment.
// Now both the start of an execution and the lease's cutoff are read from PostgreSQL's clock.
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('a host whose clock is 2 minutes ahead', () => {
  it('never declares another instance’s live DART call unknown', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const env = { DATABASE_URL: database.url, DATABASE_PATH: '', DART_TIMEOUT_MS: '8000', DART_AUDIT_CHANNEL: CHANNELS.audit };
    const a = await startHarness({ env });
    cleanup.push(() => a.stop());
    const b = await startHarness({ env, dart: a.dart, slack: a.slack, now: () => new Date(Date.now() + 120_000), transferSweepMs: 100 });
    cleanup.push(() => b.stop());

    const { posted } = await requestTransfer(a, 'billyjoel 70');
    a.dart.setLatency(2500); // well within DART_TIMEOUT_MS: the call is live throughout
    await click(a, USERS.treasurer, 'confirm', posted);
    const first = await Promise.race([messageShowing(a, posted, 'Outcome unknown'), messageShowing(a, posted, 'Transferred')]);
    if (first.includes('Outcome unknown') && !first.includes('Transferred')) {
      // What a treasurer would do with it: check DART (nothing there yet) and mark it not sent.
      const opened = nextCall(b, 'views.open');
      await pressMark(b, USERS.treasurer2, 'not_sent', posted);
      await submitView(b, USERS.treasurer2, viewOf(await opened), { note: 'nothing in the DART ledger yet' });
      await messageShowing(a, posted, 'Transferred', 10_000);
    }
    const shown = await messageShowing(a, posted, 'Transferred', 10_000);
    expect(transferCalls(a)).toHaveLength(1);
    expect(
      a.slack.callsTo('chat.update').some((call) => call.args.ts === posted.ts && JSON.stringify(call.args).includes('Outcome unknown')),
    ).toBe(false);
    expect(shown).not.toContain('Marked as not sent');
  });
});

describe('DART answering after a treasurer resolved the unknown outcome (SQLite, one host: its clock counts)', () => {
  it('keeps the resolution, and warns on the message that DART says the transfer succeeded, without inviting a new request', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dart-slack-late-answer-'));
    cleanup.push(async () => rmSync(folder, { recursive: true, force: true }));
    const env = { DATABASE_PATH: join(folder, 'app.db'), DART_TIMEOUT_MS: '8000', DART_AUDIT_CHANNEL: CHANNELS.audit };
    const a = await startHarness({ env });
    cleanup.push(() => a.stop());
    // On SQLite the sweeping instance's clock is the store's: two minutes ahead, it takes the live call for abandoned.
    const b = await startHarness({ env, dart: a.dart, slack: a.slack, now: () => new Date(Date.now() + 120_000), transferSweepMs: 100 });
    cleanup.push(() => b.stop());

    const { posted } = await requestTransfer(a, 'billyjoel 70');
    a.dart.setLatency(2500);
    await click(a, USERS.treasurer, 'confirm', posted);
    await messageShowing(a, posted, 'Outcome unknown');
    const opened = nextCall(b, 'views.open');
    await pressMark(b, USERS.treasurer2, 'not_sent', posted);
    await submitView(b, USERS.treasurer2, viewOf(await opened), { note: 'nothing in the DART ledger yet' });
    const shown = await messageShowing(a, posted, 'DART answered later', 10_000);
    expect(shown).toContain('Marked as not sent');
    expect(shown).toContain('check DART before anyone requests it again');
    expect(shown).not.toContain('request a new transfer');
    expect(shown).not.toContain(':white_check_mark: Transferred');
    expect(transferCalls(a)).toHaveLength(1);
    const stored = await a.app.storage.transfers.get(posted.id);
    expect(stored).toMatchObject({ state: 'unknown', resolution: { outcome: 'not_sent' }, lateAnswer: { outcome: 'succeeded' } });
  });
});
