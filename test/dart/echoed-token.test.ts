import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { ask } from './support.ts';
import { click, messageShowing, requestTransfer } from '../transfers/support.ts';

// Red-team finding, fixed (was: src/dart/answers.ts quoteAnswer / readErrorBody, used by src/dart/client.ts #write and
// statusError): what DART (or a proxy in front of it) answers is quoted verbatim, up to 300
// characters, into the transfer message in the channel, the audit channel, the audit log and the
// app's log. When that answer echoes the request's headers (a debugging proxy, a misconfigured
// gateway, a WAF block page), the app's own DART bearer token is posted to Slack and written
// to the logs. The app knows its secrets; what it quotes should have them masked
// ("Secrets never appear in logs or in Slack messages", the product specification).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.slack.reset();
});

const echo = `Request headers: Authorization: Bearer ${SECRETS.dartToken}`;
const slackSaw = () => JSON.stringify([h.slack.calls.map((call) => call.args), h.slack.responses]);

describe('DART echoing the request quotes the token into Slack and the logs', () => {
  it('a transfer answered 200 with the echo: the token is not in the channel, the audit channel nor the log', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 15');
    h.dart.injectFault({ kind: 'status', status: 200, body: echo, contentType: 'text/plain' }, { endpoint: 'customer/transfer-amount' });
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Outcome unknown');
    expect(slackSaw()).not.toContain(SECRETS.dartToken);
    expect(h.logs.join('')).not.toContain(SECRETS.dartToken);
  });

  it('a transfer refused 422 with the echo as its message: the token is not in Slack', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 16');
    h.dart.injectFault({ kind: 'status', status: 422, body: JSON.stringify({ message: echo }) }, { endpoint: 'customer/transfer-amount' });
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'failed');
    expect(slackSaw()).not.toContain(SECRETS.dartToken);
  });

  it('a lookup answered 404 with the echo: the token is not in the log', async () => {
    h.dart.injectFault({ kind: 'status', status: 404, body: echo, contentType: 'text/plain' }, { endpoint: 'customer/usdc-balance' });
    await ask(h, USERS.viewer, 'balance billyjoel');
    expect(h.logs.join('')).not.toContain(SECRETS.dartToken);
  });
});
