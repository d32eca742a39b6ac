import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, everythingSent, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { blockMrkdwn, FAST_RETRIES, fixture, FIXTURE_PATHS, health, postWebhook, waitUntil, withdrawalBody } from '../support/webhooks.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_WITHDRAWAL_CHANNEL: CHANNELS.withdrawals }, alerts: FAST_RETRIES });
});
afterAll(() => h.stop());
beforeEach(async () => {
  // Each test starts from an empty outbox, so what it sees in Slack is its own.
  await waitUntil('an empty outbox', async () => (await health(h.app.url)).body.outbox.depth === 0);
  h.slack.reset();
});

/** How many events the outbox holds about the withdrawal fixture's customer (every refused body names it, if anyone). */
const storedCount = async () => (await h.app.storage.outbox.eventsFor(['billyjoel', ''], { limit: 100_000 })).length;
const posts = () => h.slack.callsTo('chat.postMessage').length;
const messageWith = (channel: string, needle: string) =>
  waitUntil(`a message in ${channel} with ${needle}`, () =>
    h.slack.messages(channel).find((message) => JSON.stringify(message).includes(needle)),
  );

describe("DART's example bodies", () => {
  const expected = {
    activate: { channel: CHANNELS.alerts, title: 'Customer activated', shows: ['`billyjoel`'] },
    update: { channel: CHANNELS.alerts, title: 'Customer details updated', shows: ['`billyjoel` → `billy`'] },
    deactivate: { channel: CHANNELS.alerts, title: 'Customer deactivated', shows: ['`billyjoel`'] },
    withdrawal: { channel: CHANNELS.withdrawals, title: 'Withdrawal', shows: ['`billyjoel`', '50.00 USDC', 'Full Velocity Members Only'] },
    exit: {
      channel: CHANNELS.withdrawals,
      title: 'exited a trade script',
      shows: ['`billyjoel`', '2.00 USDC', 'Full Velocity Members Only'],
    },
  } as const;

  for (const [name, want] of Object.entries(expected) as Array<[keyof typeof expected, (typeof expected)[keyof typeof expected]]>) {
    it(`${name}: answered 2xx and shown in the right channel`, async () => {
      const started = Date.now();
      const sent = await postWebhook(h.app.url, FIXTURE_PATHS[name], fixture(name));
      expect(sent.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000); // sanity bound: the answer waits only for the local store
      expect(sent.json?.status).toBe('accepted');

      const shown = await messageWith(want.channel, want.title);
      const mrkdwn = blockMrkdwn(shown).join('\n');
      for (const text of want.shows) expect(mrkdwn).toContain(text);
      expect(shown.text).toContain(want.title);
      expect(JSON.stringify(shown.blocks)).toContain('<!date^'); // received time, in each reader's zone
      const other = want.channel === CHANNELS.alerts ? CHANNELS.withdrawals : CHANNELS.alerts;
      expect(h.slack.messages(other)).toEqual([]);
    });
  }

  it('withdrawals and exits are told apart, and each alert has Customer card and Balance buttons', async () => {
    await postWebhook(h.app.url, FIXTURE_PATHS.exit, fixture('exit'));
    const exit = await messageWith(CHANNELS.withdrawals, 'exited');
    expect(JSON.stringify(exit)).not.toContain('Withdrawal');
    const buttons = (exit.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (block) => block.type === 'actions',
    )?.elements;
    expect(buttons?.map((button) => [button.action_id, button.value])).toEqual([
      ['customer.card', 'billyjoel'],
      ['customer.balance', 'billyjoel'],
    ]);
  });

  it('the Customer card button shows the card to the one who pressed it', async () => {
    const click = await h.requests.blockAction(USERS.viewer, { action_id: 'customer.card', value: 'billyjoel' });
    expect(click.status).toBe(200);
    const card = await h.slack.waitForResponse((response) => response.id === click.responseId);
    expect(card.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(card.body)).toContain('Billy Joel');
  });

  it('an unrecognised trade-script message is still shown, as a generic trade-script event', async () => {
    const sent = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, { ...fixture('withdrawal'), message: 'Something else happened.' });
    expect(sent.status).toBe(200);
    const shown = await messageWith(CHANNELS.withdrawals, 'Trade-script event');
    expect(blockMrkdwn(shown).join('\n')).toContain('Something else happened.');
  });

  it('an amount sent as a JSON number keeps its text', async () => {
    const raw = JSON.stringify(withdrawalBody('numeric')).replace('"50.00"', '1250.50');
    expect((await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, raw)).status).toBe(200);
    const shown = await messageWith(CHANNELS.withdrawals, '`numeric`');
    expect(blockMrkdwn(shown).join('\n')).toContain('1,250.50 USDC');
  });
});

describe('authentication', () => {
  it('HTTP Basic auth with the secret as password is accepted', async () => {
    const sent = await postWebhook(h.app.url, FIXTURE_PATHS.activate, fixture('activate'), { auth: 'basic' });
    expect(sent.status).toBe(200);
    await messageWith(CHANNELS.alerts, 'Customer activated');
  });

  const refusals = [
    { name: 'no Authorization header', options: { auth: 'none' as const } },
    { name: 'a wrong Bearer secret', options: { secret: 'wrong-secret-0123456789' } },
    { name: 'a wrong Basic password', options: { auth: 'basic' as const, secret: 'wrong-secret-0123456789' } },
    {
      name: 'the secret as Basic user name instead of password',
      options: {
        auth: 'none' as const,
        headers: { authorization: `Basic ${Buffer.from(`${SECRETS.webhookSecret}:`).toString('base64')}` },
      },
    },
  ];
  for (const refusal of refusals) {
    it(`${refusal.name}: 401, nothing stored or posted`, async () => {
      const [stored, posted] = [await storedCount(), posts()];
      const sent = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, fixture('withdrawal'), refusal.options);
      expect(sent.status).toBe(401);
      expect(await storedCount()).toBe(stored);
      expect(posts()).toBe(posted);
    });
  }
});

describe('validation: a clear status, nothing stored, nothing posted', () => {
  const withdrawal = fixture('withdrawal');
  const { amount: _amount, ...withoutAmount } = withdrawal;
  const cases = [
    { name: 'not JSON content type', status: 415, body: 'message=hi', options: { contentType: 'application/x-www-form-urlencoded' } },
    { name: 'invalid JSON', status: 400, body: '{"message": "External customer', options: {} },
    { name: 'a 2 MB body', status: 413, body: JSON.stringify({ ...withdrawal, padding: 'x'.repeat(2 * 1024 * 1024) }), options: {} },
    { name: 'a missing amount', status: 422, body: withoutAmount, field: 'amount', options: {} },
    { name: 'an amount that is not a decimal', status: 422, body: { ...withdrawal, amount: '50 USDC' }, field: 'amount', options: {} },
    { name: 'an empty user name', status: 422, body: { ...withdrawal, new_dart_user_name: '' }, field: 'new_dart_user_name', options: {} },
    { name: 'a body that is not an object', status: 422, body: '[1, 2]', field: '(body)', options: {} },
  ];
  for (const bad of cases) {
    it(`${bad.name}: ${bad.status}`, async () => {
      const [stored, posted] = [await storedCount(), posts()];
      const sent = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, bad.body, bad.options);
      expect(sent.status).toBe(bad.status);
      if ('field' in bad) {
        expect(sent.json?.field).toBe(bad.field);
        expect(String(sent.json?.message)).toContain(bad.field);
      }
      expect(await storedCount()).toBe(stored);
      expect(posts()).toBe(posted);
    });
  }

  it('a chunked body over the limit: 413 without the app buffering it', async () => {
    const stored = await storedCount();
    const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
    let sentChunks = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentChunks++ === 8) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${h.app.url}${FIXTURE_PATHS.withdrawal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.webhookSecret}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await storedCount()).toBe(stored);
  });

  it('an unknown path: 404; the app stays healthy after all of the above', async () => {
    const sent = await postWebhook(h.app.url, '/webhook/customer-delete', fixture('activate'));
    expect(sent.status).toBe(404);
    expect((await health(h.app.url)).status).toBe(200);
    expect((await postWebhook(h.app.url, FIXTURE_PATHS.deactivate, fixture('deactivate'))).status).toBe(200);
    await messageWith(CHANNELS.alerts, 'Customer deactivated');
  });
});

describe('escaping and repeats', () => {
  it('a name made of <!channel> and a link is shown literally: no ping, no link', async () => {
    const body = {
      ...fixture('withdrawal'),
      old_dart_user_name: '<!channel>',
      new_dart_user_name: '<!channel> <https://evil.example|link>',
      trade_script_name: '<!here> <@U0VIEWER01>',
    };
    expect((await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, body)).status).toBe(200);
    const shown = await messageWith(CHANNELS.withdrawals, 'Withdrawal');
    const parsed = [shown.text ?? '', ...blockMrkdwn(shown)].join('\n');
    for (const smuggled of ['<!channel>', '<https://evil.example', '<!here>', '<@U0VIEWER01>']) expect(parsed).not.toContain(smuggled);
    expect(parsed).toContain('&lt;!channel&gt;');
    expect(parsed).toContain('&lt;https://evil.example|link&gt;');
  });

  it('a repeated delivery id is answered 2xx and not posted again', async () => {
    const headers = { 'webhook-id': 'msg_2a9f0c1e' };
    const first = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('repeat01'), { headers });
    const again = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('repeat01'), { headers });
    const viaOtherHeader = await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('repeat01'), {
      headers: { 'idempotency-key': 'msg_2a9f0c1e' },
    });
    expect([first.status, again.status, viaOtherHeader.status]).toEqual([200, 200, 200]);
    expect([again.json?.status, viaOtherHeader.json?.status]).toEqual(['duplicate', 'duplicate']);
    // Delivery keeps order per channel, so once a later event is shown the repeat would have been too.
    await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('repeat02'));
    await messageWith(CHANNELS.withdrawals, '`repeat02`');
    const shown = h.slack.messages(CHANNELS.withdrawals).flatMap(blockMrkdwn).join('\n');
    expect(shown.match(/`repeat01`/g)).toHaveLength(1);
  });

  it('without a delivery id, the same body twice is two events', async () => {
    await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('twice01'));
    await postWebhook(h.app.url, FIXTURE_PATHS.withdrawal, withdrawalBody('twice01'));
    await waitUntil(
      'both shown',
      () =>
        h.slack
          .messages(CHANNELS.withdrawals)
          .flatMap(blockMrkdwn)
          .join('\n')
          .match(/`twice01`/g)?.length === 2,
    );
  });

  it('the webhook secret never reaches Slack or the logs', () => {
    expect(everythingSent(h)).not.toContain(SECRETS.webhookSecret);
  });
});

describe('/healthz', () => {
  it('reports the outbox: depth, age of the oldest undelivered event, dead count', async () => {
    const answer = await health(h.app.url);
    expect(answer.status).toBe(200);
    expect(answer.body.outbox).toEqual({ depth: 0, oldestAgeSeconds: 0, dead: 0 });
  });
});

describe('WEBHOOK_PATH_PREFIX and WEBHOOK_AUTH=none', () => {
  it('serves under the prefix, accepts without a secret, and warns at start-up', async () => {
    const open = await startHarness({
      env: { WEBHOOK_PATH_PREFIX: '/dart', WEBHOOK_AUTH: 'none', WEBHOOK_SECRET: '' },
      slack: h.slack,
      dart: h.dart,
      alerts: FAST_RETRIES,
    });
    try {
      expect(open.logs.join('')).toContain('WEBHOOK_AUTH=none');
      expect((await postWebhook(open.app.url, '/webhook/customer-activate', fixture('activate'), { auth: 'none' })).status).toBe(404);
      const sent = await postWebhook(open.app.url, '/dart/webhook/customer-activate', fixture('activate'), { auth: 'none' });
      expect(sent.status).toBe(200);
      await messageWith(CHANNELS.alerts, 'Customer activated');
    } finally {
      await open.stop();
    }
  });
});
