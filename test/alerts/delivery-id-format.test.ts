import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, type Harness } from '../support/harness.ts';
import { postWebhook } from '../support/webhooks.ts';

// The delivery id is optional and read from generic headers, `x-request-id` among them, which
// proxies and load balancers set and append. An id longer than 200 characters, with a space, or
// sent twice (Node joins repeats as "a, b") cannot be used: it is ignored (the event is stored
// without de-duplication, and logged), never a reason to drop a valid webhook, since an alert
// is never lost (the product specification) and DART may not retry a 4xx.
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
