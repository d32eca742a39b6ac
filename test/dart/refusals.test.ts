import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { ask } from './support.ts';

// What DART refused is said as DART said it: a token it did not find is not a missing
// customer, and a 429 is DART limiting requests (honouring Retry-After within a read's deadline).
let h: Harness;
beforeAll(async () => {
  // A deadline long enough for a one-second Retry-After to fit whatever the machine's load.
  h = await startHarness({ env: { DART_TIMEOUT_MS: '6000' } });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

describe('a token DART does not know', () => {
  it('/dart token billyjoel chaos names the token DART did not find, not the customer', async () => {
    const answer = await ask(h, USERS.viewer, 'token billyjoel chaos');
    expect(answer).toContain('DART has no token `chaos` for `billyjoel`');
    expect(answer).toContain('Token not found.');
    expect(answer).not.toContain('no customer');
  });

  it('an unknown customer is still said as such', async () => {
    expect(await ask(h, USERS.viewer, 'token nobody Chaos')).toContain('DART has no customer `nobody`');
  });
});

describe('DART limiting requests (429)', () => {
  const balanceCalls = () => h.dart.callsTo('customer/usdc-balance').length;
  const limited = (retryAfter?: string) => ({
    kind: 'status' as const,
    status: 429,
    body: '{"message":"Too Many Attempts."}',
    ...(retryAfter === undefined ? {} : { headers: { 'Retry-After': retryAfter } }),
  });

  it('a read waits out Retry-After in seconds when it fits the deadline, then answers', async () => {
    const before = balanceCalls();
    h.dart.injectFault(limited('1'), { endpoint: 'customer/usdc-balance' });
    expect(await ask(h, USERS.viewer, 'balance billyjoel')).toContain('980.04 USDC');
    expect(balanceCalls()).toBe(before + 2);
  });

  it('a read waits out Retry-After as an HTTP date', async () => {
    const before = balanceCalls();
    h.dart.injectFault(limited(new Date(Date.now() + 2000).toUTCString()), { endpoint: 'customer/usdc-balance' });
    expect(await ask(h, USERS.viewer, 'balance billyjoel')).toContain('980.04 USDC');
    expect(balanceCalls()).toBe(before + 2);
  });

  it('a Retry-After beyond the deadline: no retry, "DART is limiting requests"', async () => {
    const before = balanceCalls();
    h.dart.injectFault(limited('120'), { endpoint: 'customer/usdc-balance' });
    const answer = await ask(h, USERS.viewer, 'balance billyjoel');
    expect(answer).toContain('DART is limiting requests');
    expect(answer).not.toContain('server error');
    expect(balanceCalls()).toBe(before + 1);
  });

  it('a 429 on every attempt ends with "DART is limiting requests"', async () => {
    h.dart.injectFault(limited(), { endpoint: 'customer/usdc-balance', times: 3 });
    expect(await ask(h, USERS.viewer, 'balance billyjoel')).toContain('DART is limiting requests');
  });

  it('a write is never retried: one call, "DART is limiting requests", audited as failed (DART did nothing)', async () => {
    const before = h.dart.callsTo('customer/update-tsp-status').length;
    h.dart.injectFault(limited('1'), { endpoint: 'customer/update-tsp-status' });
    const answer = await ask(h, USERS.operator, 'suspend adaline 5');
    expect(answer).toContain('DART is limiting requests');
    expect(h.dart.callsTo('customer/update-tsp-status')).toHaveLength(before + 1);
    expect((await h.app.storage.audit.forCustomer('adaline', { limit: 1 }))[0]?.outcome).toBe('failed');
  });
});
