import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, type Harness } from '../support/harness.ts';
import { postWebhook } from '../support/webhooks.ts';

// Red-team finding, fixed (was: low; src/alerts/receiver.ts deliveryIdOf / DELIVERY_ID): the delivery id is optional
// and read from generic headers, `x-request-id` among them, which proxies and load balancers
// set and append. A valid, authenticated DART webhook whose x-request-id is longer than 200
// characters, contains a space, or was sent twice (Node joins repeats as "a, b") is refused
// 400 and never stored: the alert is lost if DART does not retry a 4xx ("never lost",
// PRODUCT.md). Expected: an id that cannot be used is ignored (stored without de-duplication,
// logged), never a reason to drop the event.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const activate = (name: string) => ({ message: 'External customer activated.', old_dart_user_name: name, new_dart_user_name: name });

describe('an unusable optional delivery id drops a valid webhook', () => {
  for (const [label, id] of [
    ['longer than 200 characters', 'r'.repeat(201)],
    ['with a space', 'req 42'],
    ['repeated by a proxy', 'abc, def'],
  ] as const) {
    it(`x-request-id ${label}: the webhook is still stored and posted`, async () => {
      const name = `rid${label.length}`;
      const sent = await postWebhook(h.app.url, '/webhook/customer-activate', activate(name), { headers: { 'x-request-id': id } });
      expect(sent.status).toBe(200);
      await h.slack.waitForCall(
        'chat.postMessage',
        (call) => call.args.channel === CHANNELS.alerts && JSON.stringify(call.args).includes(name),
        8000,
      );
      const warning = h.logs.find((line) => line.includes('unusable delivery id in x-request-id'));
      expect(warning).toBeDefined();
      if (id.length > 200) expect(warning).not.toContain(id);
    });
  }
});
