import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCustomer } from '../../src/sandbox/dart/state.ts';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { FAST_RETRIES, postWebhook, waitUntil, withdrawalBody } from '../support/webhooks.ts';

// Every bidirectional control: overrides and embeddings, isolates, and the three marks.
const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
const HIDDEN = new RegExp(`[${BIDI.join('')}]`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ alerts: FAST_RETRIES });
});
afterAll(() => h.stop());

describe('bidirectional controls never reach Slack', () => {
  it('a withdrawal whose message, script name and amount context carry them is shown without them', async () => {
    const body = {
      ...withdrawalBody('bidiuser'),
      message: `Withdraw ${BIDI.join('')}001 DSU`,
      trade_script_name: `Scr\u202Eipt ${BIDI.join('x')}`,
    };
    expect((await postWebhook(h.app.url, '/webhook/trade-script-withdrawal', body)).status).toBe(200);
    const post = await waitUntil('the alert', () =>
      h.slack.callsTo('chat.postMessage').find((call) => JSON.stringify(call.args).includes('bidiuser')),
    );
    expect(post.args.channel).toBe(CHANNELS.alerts);
    expect(JSON.stringify(post.args)).toContain('001 DSU');
    expect(JSON.stringify(post.args)).not.toMatch(HIDDEN);
  });

  it('a DART customer whose name carries them is shown without them', async () => {
    addCustomer(h.dart.state, {
      first_name: `Eve\u202Enwod`,
      last_name: `\u2067Mallory\u2069`,
      user_name: 'bidicust',
      email: 'eve@example.com',
      password: 'x',
    });
    const sent = await h.requests.slashCommand(USERS.viewer, 'customer bidicust');
    const answer = await h.slack.waitForResponse(
      (response) => response.id === sent.responseId && JSON.stringify(response.body).includes('Eve'),
    );
    expect(JSON.stringify(answer.body)).toContain('Evenwod');
    expect(JSON.stringify(answer.body)).not.toMatch(HIDDEN);
  });
});
