import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls } from './support.ts';

// Several apps share one database file and one DART and Slack, as instances of one deployment do.
let dart: DartSandbox;
let slack: SlackStandin;
let directory: string;
const running: Harness[] = [];

beforeAll(async () => {
  dart = createDartSandbox({ token: SECRETS.dartToken });
  slack = createSlackStandin({ botToken: SECRETS.botToken });
  await dart.start();
  await slack.start();
  directory = mkdtempSync(join(tmpdir(), 'dart-slack-transfers-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
});
afterAll(async () => {
  await dart.stop();
  await slack.stop();
  rmSync(directory, { recursive: true, force: true });
});

async function instance(file: string, options: { now?: () => Date } = {}): Promise<Harness> {
  const harness = await startHarness({ dart, slack, env: { DATABASE_PATH: join(directory, file) }, transferSweepMs: 100, ...options });
  running.push(harness);
  return harness;
}

describe('two app instances on one database file', () => {
  it('racing Confirm clicks on both make exactly one DART call', async () => {
    const [a, b] = [await instance('race.db'), await instance('race.db')];
    dart.setLatency(200);
    try {
      const calls = transferCalls(a).length;
      const { posted } = await requestTransfer(a, 'billyjoel 75');
      const clicks = await Promise.all([
        ...Array.from({ length: 3 }, () => click(a, USERS.treasurer, 'confirm', posted, a.requests)),
        ...Array.from({ length: 3 }, () => click(b, USERS.treasurer, 'confirm', posted, b.requests)),
      ]);
      expect(clicks.every((sent) => sent.status === 200)).toBe(true);
      await messageShowing(a, posted, 'Transferred');
      expect(transferCalls(a).slice(calls)).toEqual([expect.objectContaining({ json: { userId: 'billyjoel', amount: '75.00' } })]);
    } finally {
      dart.setLatency(0);
    }
  });
});

describe('restart', () => {
  /** Requests a transfer on a first app, stops it, and leaves the transfer as a crash mid-call would: executing, by an instance now gone. */
  async function leftExecuting(file: string) {
    const first = await instance(file);
    const { posted } = await requestTransfer(first, 'billyjoel 60');
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const storage = await openStorage({ DATABASE_PATH: join(directory, file) });
    const move = {
      kind: 'confirm' as const,
      actor: USERS.treasurer.id,
      executor: 'gone',
      now: new Date(),
      message: { channel: posted.channel, ts: posted.ts },
    };
    const started = await storage.transfers.startExecution(posted.id, move, []);
    await storage.close();
    if (!started) throw new Error('the transfer could not be left executing');
    return posted;
  }

  it('a transfer left executing by a dead app becomes unknown at start-up, and is never re-sent', async () => {
    const posted = await leftExecuting('restart.db');
    const calls = dart.callsTo('customer/transfer-amount').length;
    // The new app starts after the old one's call could have lasted (DART's timeout and a grace).
    const later = new Date(Date.now() + 5 * 60_000);
    const second = await instance('restart.db', { now: () => later });
    const shown = await messageShowing(second, posted, 'Outcome unknown');
    expect(shown).toContain('the app stopped while waiting for DART’s answer');
    expect(shown).toContain('may or may not have moved');
    const answer = await second.requests.blockAction(
      USERS.treasurer,
      { action_id: 'transfer.confirm', value: posted.id },
      { channelId: posted.channel, message: { ts: posted.ts, blocks: posted.blocks } },
    );
    expect(JSON.stringify((await slack.waitForResponse((r) => r.id === answer.responseId)).body)).toContain('unknown');
    expect(transferCalls(second).length).toBe(calls);
    const audit = (await second.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0];
    expect(audit).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
  });

  it('a call that may still be under way on another instance is left alone until its time is up', async () => {
    const posted = await leftExecuting('lease.db');
    const calls = dart.callsTo('customer/transfer-amount').length;
    let clock = new Date();
    // Started at once: its start-up sweep has run, and must not take the call for abandoned yet.
    const second = await instance('lease.db', { now: () => clock });
    expect((await second.app.storage.transfers.get(posted.id))?.state).toBe('executing');
    // Once DART's timeout and the grace have passed, no call can still be under way.
    clock = new Date(clock.getTime() + 60_000);
    await messageShowing(second, posted, 'Outcome unknown');
    expect(transferCalls(second).length).toBe(calls);
  });
});
