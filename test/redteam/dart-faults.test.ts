import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { ask } from '../dart/support.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';

// Red team: DART misbehaving on a transfer and on reads. Each holds today.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

async function confirmWith(amount: string, fault: Parameters<Harness['dart']['injectFault']>[0]) {
  const { posted } = await requestTransfer(h, `billyjoel ${amount}`);
  const before = transferCalls(h).length;
  h.dart.injectFault(fault, { endpoint: 'customer/transfer-amount' });
  await click(h, USERS.treasurer, 'confirm', posted);
  return { posted, before };
}

describe('a transfer answered with an empty 2xx', () => {
  for (const status of [201, 202, 204]) {
    it(`${status} with no body is unknown, never "Transferred", never re-sent`, async () => {
      const { posted, before } = await confirmWith('11', { kind: 'status', status, body: '' });
      expect(await messageShowing(h, posted, 'Outcome unknown')).not.toContain('Transferred');
      expect(transferCalls(h)).toHaveLength(before + 1);
      expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]).toMatchObject({ outcome: 'unknown' });
    });
  }

  it('a JSON null, number, array or boolean is unknown', async () => {
    for (const body of ['null', '1', '[]', 'true', '""', '"   "']) {
      const { posted } = await confirmWith('12', { kind: 'status', status: 200, body, contentType: 'application/json' });
      expect(await messageShowing(h, posted, 'Outcome unknown')).not.toContain('Transferred');
    }
  });
});

describe('what DART says never smuggles mrkdwn into the channel', () => {
  it('a success text with <!channel> and a link is shown escaped', async () => {
    const { posted } = await confirmWith('13', {
      kind: 'status',
      status: 200,
      body: JSON.stringify('Transferred successfully <!channel> see <https://evil.example|your receipt> @here'),
    });
    await messageShowing(h, posted, 'Transferred');
    const sent = JSON.stringify(h.slack.calls.filter((call) => call.method.startsWith('chat.')).map((call) => call.args));
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<https://evil.example');
  });
});

describe('the DART token never leaves through what DART echoes', () => {
  // A proxy or debugging page that echoes the request's headers back.
  const echo = `Authorization: Bearer ${SECRETS.dartToken}`;

  it('a read answered 500 with the echo: retried, then "DART may be down", token nowhere', async () => {
    h.dart.injectFault(
      { kind: 'status', status: 500, body: echo, contentType: 'text/plain' },
      { endpoint: 'customer/usdc-balance', times: 5 },
    );
    await ask(h, USERS.viewer, 'balance billyjoel');
    expect(JSON.stringify([h.slack.calls, h.slack.responses])).not.toContain(SECRETS.dartToken);
  });
});

describe('Retry-After', () => {
  it('99999 on a read: one call, answered at once that DART is limiting requests', async () => {
    const before = h.dart.callsTo('customer/usdc-balance').length;
    h.dart.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '99999' } }, { endpoint: 'customer/usdc-balance' });
    expect(await ask(h, USERS.viewer, 'balance billyjoel')).toContain('limiting');
    expect(h.dart.callsTo('customer/usdc-balance').length).toBe(before + 1);
  });

  it('a huge or odd Retry-After on a transfer: one call, never retried', async () => {
    for (const value of ['99999999999999999999', '-1', 'Wed, 21 Oct 2099 07:28:00 GMT', '0']) {
      const { posted, before } = await confirmWith('14', { kind: 'status', status: 429, headers: { 'Retry-After': value } });
      await messageShowing(h, posted, 'limiting');
      expect(transferCalls(h)).toHaveLength(before + 1);
    }
  });
});
