import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf, type SubmissionAck } from '../support/modals.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';
import { ask } from './support.ts';

// A 2xx is a success only when its body positively reads as one (DART's page shows plain
// strings such as "Customer Created Successfully."); any other 2xx is unknown.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

const ERROR_BODIES: Array<[name: string, body: string]> = [
  ['success:false with an error', '{"success":false,"error":"Insufficient partner balance"}'],
  ['status:"error"', '{"status":"error","message":"Insufficient partner balance"}'],
  ['an errors object', '{"errors":{"amount":["Insufficient partner balance"]}}'],
  ['a plain string that says it failed', '"Transfer failed: insufficient partner balance"'],
  // Red-team finding: failure wordings outside a list of failure words once read as success.
  ['"Transfer unsuccessful."', '"Transfer unsuccessful."'],
  ['"Not enough balance."', '"Not enough balance."'],
  ['"Transaction declined."', '"Transaction declined."'],
  ['"Amount exceeds the available balance."', '"Amount exceeds the available balance."'],
  ['a message without an explicit success', '{"message":"Customer is not active."}'],
  ['an HTML page', '<html><body>Whoops</body></html>'],
  ['an empty body', ''],
];

describe('a 2xx answering a transfer', () => {
  for (const [name, body] of ERROR_BODIES) {
    it(`200 with ${name} is unknown, never transferred, and not re-sent`, async () => {
      const { posted } = await requestTransfer(h, 'billyjoel 40');
      const before = transferCalls(h).length;
      h.dart.injectFault({ kind: 'status', status: 200, body }, { endpoint: 'customer/transfer-amount' });
      await click(h, USERS.treasurer, 'confirm', posted);
      const shown = await messageShowing(h, posted, 'Outcome unknown');
      expect(shown).not.toContain('Transferred');
      expect(transferCalls(h)).toHaveLength(before + 1);
      const [entry] = await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 });
      expect(entry).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
    });
  }

  it('DART’s own plain-string success is a success', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 30');
    await click(h, USERS.treasurer, 'confirm', posted);
    const shown = await messageShowing(h, posted, 'Transferred');
    expect(shown).toContain('Amount Transferred Successfully.');
  });

  it('an object with an explicit success is a success', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 31');
    h.dart.injectFault(
      { kind: 'status', status: 200, body: '{"success":true,"message":"Amount transferred"}' },
      { endpoint: 'customer/transfer-amount' },
    );
    await click(h, USERS.treasurer, 'confirm', posted);
    expect(await messageShowing(h, posted, 'Transferred')).toContain('Amount transferred');
  });
});

describe('a 2xx answering a customer write', () => {
  it('create: 200 {"success":false,…} is shown as unknown and audited as unknown, not created', async () => {
    const opened = nextCall(h, 'views.open');
    await h.requests.slashCommand(USERS.operator, 'create');
    const form = viewOf(await opened);
    h.dart.injectFault(
      { kind: 'status', status: 200, body: '{"success":false,"error":"Partner quota reached"}' },
      { endpoint: 'customer/create' },
    );
    const sent = await submitView(h, USERS.operator, form, {
      first_name: 'Ada',
      last_name: 'Byron',
      user_name: 'quotaada',
      email: 'ada@example.org',
      password: 'Typed-Passw0rd!',
    });
    const ack = sent.json as SubmissionAck;
    expect(ack.view?.title.text).toBe('Outcome unknown');
    expect(JSON.stringify(ack.view)).toContain('Partner quota reached');
    expect(JSON.stringify(ack.view)).toContain('may or may not have been created');
    expect((await h.app.storage.audit.forCustomer('quotaada', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });

  it('resume: 200 {"status":"error"} is unknown', async () => {
    h.dart.injectFault({ kind: 'status', status: 200, body: '{"status":"error"}' }, { endpoint: 'customer/update-tsp-status' });
    expect(await ask(h, USERS.operator, 'resume grace')).toContain('may or may not have been lifted');
    expect((await h.app.storage.audit.forCustomer('grace', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });
});

describe('an answer too large for any real DART answer', () => {
  const padding = 'x'.repeat(2 * 1024 * 1024);

  it('to a read fails clearly instead of being read whole', async () => {
    h.dart.injectFault(
      { kind: 'status', status: 200, body: JSON.stringify({ total_usdc_balance: '1.00', padding }) },
      { endpoint: 'customer/usdc-balance' },
    );
    const answer = await ask(h, USERS.viewer, 'balance billyjoel');
    expect(answer).toContain('too large to read');
    expect(answer).not.toContain('1.00 USDC');
  });

  it('to a transfer is unknown, even when it starts as a success', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 32');
    const body = JSON.stringify({ success: true, message: 'Amount Transferred Successfully.', padding });
    h.dart.injectFault({ kind: 'status', status: 200, body }, { endpoint: 'customer/transfer-amount' });
    await click(h, USERS.treasurer, 'confirm', posted);
    expect(await messageShowing(h, posted, 'Outcome unknown')).toContain('too large to read');
    const [entry] = await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 });
    expect(entry).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
  });
});
