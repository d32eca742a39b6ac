import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';
import { ask } from './support.ts';

// DART redirecting: a write never follows (its outcome is unknown), a read follows its own
// origin only, and the bearer token never reaches another host.
let h: Harness;
/** Another host, as a redirect could name: it must receive nothing. */
let other: DartSandbox;
beforeAll(async () => {
  other = createDartSandbox({ token: SECRETS.dartToken });
  await other.start();
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: 'C0AUDIT001' } });
});
afterAll(async () => {
  await h.stop();
  await other.stop();
});
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

describe('a redirect answering a transfer', () => {
  for (const status of [303, 307] as const) {
    it(`${status} to another host: the transfer is unknown, nothing is re-sent, the other host receives nothing`, async () => {
      const { posted } = await requestTransfer(h, 'billyjoel 50');
      const before = transferCalls(h).length;
      const balance = h.dart.state.customers.get('billyjoel')!.usdc_balance;
      h.dart.injectFault(
        { kind: 'redirect', status, location: `${other.url}customer/transfer-amount` },
        { endpoint: 'customer/transfer-amount' },
      );
      await click(h, USERS.treasurer, 'confirm', posted);
      const shown = await messageShowing(h, posted, 'Outcome unknown');
      expect(shown).toContain('OUTCOME UNKNOWN');
      expect(shown).not.toContain('Transferred');
      expect(transferCalls(h)).toHaveLength(before + 1);
      expect(other.calls).toHaveLength(0);
      expect(h.dart.state.customers.get('billyjoel')!.usdc_balance).toBe(balance);
      const [entry] = await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 });
      expect(entry).toMatchObject({ action: 'transfer.execute', outcome: 'unknown' });
      expect(entry?.dartAnswer).toContain('redirect');
    });
  }

  it('303 to DART itself is not followed either: one call, unknown', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 20');
    const before = transferCalls(h).length;
    h.dart.injectFault(
      { kind: 'redirect', status: 303, location: '/api/customer/get?dart_user_name=billyjoel' },
      { endpoint: 'customer/transfer-amount' },
    );
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Outcome unknown');
    expect(transferCalls(h)).toHaveLength(before + 1);
    expect(h.dart.calls.at(-1)?.endpoint).toBe('customer/transfer-amount');
  });
});

describe('a redirect answering a customer write', () => {
  it('307 on suspend: unknown, told to check DART, audited as unknown, nothing sent elsewhere', async () => {
    h.dart.injectFault(
      { kind: 'redirect', status: 307, location: `${other.url}customer/update-tsp-status` },
      { endpoint: 'customer/update-tsp-status' },
    );
    const body = await ask(h, USERS.operator, 'suspend adaline 5');
    expect(body).toContain('redirect');
    expect(body).toContain('may or may not be suspended');
    expect(other.calls).toHaveLength(0);
    expect((await h.app.storage.audit.forCustomer('adaline', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });
});

describe('a redirect answering a read', () => {
  for (const status of [301, 302, 303, 307, 308] as const) {
    it(`${status} within DART's own origin is followed`, async () => {
      h.dart.injectFault(
        { kind: 'redirect', status, location: '/api/customer/usdc-balance?dart_user_name=billyjoel' },
        { endpoint: 'customer/usdc-balance' },
      );
      expect(await ask(h, USERS.viewer, 'balance billyjoel')).toContain('980.04 USDC');
    });
  }

  for (const status of [302, 307] as const) {
    it(`${status} to another origin is not followed: a clear answer, and the other host never sees the token`, async () => {
      h.dart.injectFault(
        { kind: 'redirect', status, location: `${other.url}customer/usdc-balance?dart_user_name=billyjoel` },
        { endpoint: 'customer/usdc-balance' },
      );
      const body = await ask(h, USERS.viewer, 'balance billyjoel');
      expect(body).toContain('redirect to another address');
      expect(body).toContain('DART_API_URL');
      expect(other.calls).toHaveLength(0);
    });
  }
});
