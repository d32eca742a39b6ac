import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SentRequest } from '../../src/sandbox/slack/requests.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf, type SubmissionAck } from '../support/modals.ts';
import { waitUntil } from '../support/webhooks.ts';
import { click, messageShowing, requestTransfer } from '../transfers/support.ts';
import { finalAnswer } from './support.ts';

// DART sends its headers, then a body that never ends (or trickles a byte at a time).
// Every call must still end at DART_TIMEOUT_MS (1.5 s here), even after a garbage
// collection during the stall: an abort signal that only weak references keep alive could
// be collected, so the client races the whole call against a timer of its own.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

/** Waits until DART has received one more call to `endpoint` (its headers are then on their way), and collects garbage twice. */
async function collectDuringStall(endpoint: string, before: number): Promise<void> {
  await waitUntil(`a call to ${endpoint}`, () => h.dart.callsTo(endpoint).length > before, 8000);
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** A form's final view: in the submission's answer, or (when DART took longer than Slack's window) in a later views.update. */
async function finalView(sent: SentRequest, title: string): Promise<string> {
  const ack = sent.json as SubmissionAck;
  if (ack.view?.title.text === title) return JSON.stringify(ack.view);
  return JSON.stringify((await h.slack.waitForCall('views.update', (call) => JSON.stringify(call.args).includes(title), 15_000)).args);
}

const auditOf = async (customer: string) => (await h.app.storage.audit.forCustomer(customer, { limit: 1 }))[0];

describe('a read whose body stalls', () => {
  for (const trickleMs of [undefined, 100]) {
    it(`/dart balance (${trickleMs ? 'trickling' : 'never ending'}) ends with "did not answer in time"`, async () => {
      const before = h.dart.callsTo('customer/usdc-balance').length;
      // Every attempt stalls: the deadline bounds them all together.
      h.dart.injectFault(trickleMs ? { kind: 'stall', trickleMs } : { kind: 'stall' }, { endpoint: 'customer/usdc-balance', times: 3 });
      const sent = await h.requests.slashCommand(USERS.viewer, 'balance billyjoel');
      await collectDuringStall('customer/usdc-balance', before);
      const answer = await finalAnswer(h, sent);
      expect(answer).toContain('did not answer in time');
      expect(h.dart.callsTo('customer/usdc-balance')).toHaveLength(before + 1);
    });
  }

  it('the edit form’s load ends with "Could not load"', async () => {
    const before = h.dart.callsTo('customer/get').length;
    h.dart.injectFault({ kind: 'stall' }, { endpoint: 'customer/get' });
    const updated = nextCall(h, 'views.update');
    await h.requests.slashCommand(USERS.operator, 'edit billyjoel');
    await collectDuringStall('customer/get', before);
    const view = JSON.stringify((await updated).args);
    expect(view).toContain('Could not load');
    expect(view).toContain('did not answer in time');
  });
});

describe('a write whose body stalls is unknown, told and audited as such', () => {
  it('create', async () => {
    const opened = nextCall(h, 'views.open');
    await h.requests.slashCommand(USERS.operator, 'create');
    const form = viewOf(await opened);
    const before = h.dart.callsTo('customer/create').length;
    h.dart.injectFault({ kind: 'stall' }, { endpoint: 'customer/create' });
    const submitted = submitView(h, USERS.operator, form, {
      first_name: 'Ada',
      last_name: 'Byron',
      user_name: 'stalledada',
      email: 'ada@example.org',
      password: 'Typed-Passw0rd!',
    });
    await collectDuringStall('customer/create', before);
    const view = await finalView(await submitted, 'Outcome unknown');
    expect(view).toContain('may or may not have been created');
    expect((await auditOf('stalledada'))?.outcome).toBe('unknown');
  });

  it('edit', async () => {
    const opened = nextCall(h, 'views.open');
    const loaded = nextCall(h, 'views.update');
    await h.requests.slashCommand(USERS.operator, 'edit billyjoel');
    await opened;
    const form = viewOf(await loaded);
    const before = h.dart.callsTo('customer/update').length;
    h.dart.injectFault({ kind: 'stall', trickleMs: 100 }, { endpoint: 'customer/update' });
    const submitted = submitView(h, USERS.operator, form, {
      first_name: 'William',
      last_name: 'Joel',
      email: 'billy@gmail.com',
      password: '',
    });
    await collectDuringStall('customer/update', before);
    await finalView(await submitted, 'Outcome unknown');
    expect(await auditOf('billyjoel')).toMatchObject({ action: 'customer.update', outcome: 'unknown' });
  });

  for (const [command, customer, words] of [
    ['suspend adaline 5', 'adaline', 'may or may not be suspended'],
    ['resume grace', 'grace', 'may or may not have been lifted'],
  ] as const) {
    it(command.split(' ')[0]!, async () => {
      const before = h.dart.callsTo('customer/update-tsp-status').length;
      h.dart.injectFault({ kind: 'stall' }, { endpoint: 'customer/update-tsp-status' });
      const sent = await h.requests.slashCommand(USERS.operator, command);
      await collectDuringStall('customer/update-tsp-status', before);
      const answer = await finalAnswer(h, sent);
      expect(answer).toContain('did not answer in time');
      expect(answer).toContain(words);
      expect((await auditOf(customer))?.outcome).toBe('unknown');
    });
  }

  it('transfer', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 25');
    const before = h.dart.callsTo('customer/transfer-amount').length;
    h.dart.injectFault({ kind: 'stall' }, { endpoint: 'customer/transfer-amount' });
    await click(h, USERS.treasurer, 'confirm', posted);
    await collectDuringStall('customer/transfer-amount', before);
    await messageShowing(h, posted, 'Outcome unknown', 15_000);
    expect(await auditOf('billyjoel')).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
  });
});

describe('stopping while a write’s body stalls', () => {
  it('records the write as unknown before the database closes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'dart-stall-'));
    try {
      const path = join(directory, 'app.db');
      const stopping = await startHarness({ env: { DATABASE_PATH: path } });
      stopping.dart.injectFault({ kind: 'stall' }, { endpoint: 'customer/update-tsp-status' });
      await stopping.requests.slashCommand(USERS.operator, 'suspend billyjoel 10');
      await waitUntil('the suspend call', () => stopping.dart.callsTo('customer/update-tsp-status').length === 1, 8000);
      gc();
      await stopping.stop(); // SIGTERM's path, with DART's body still stalled
      const storage = await openStorage({ DATABASE_PATH: path });
      try {
        const entries = await storage.audit.forCustomer('billyjoel', { limit: 10 });
        expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([['tsp.suspend', 'unknown']]);
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
