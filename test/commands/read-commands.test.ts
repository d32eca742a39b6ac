import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, everythingSent, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.dart.setLatency(0);
});

/** Sends `/dart <text>` as `user` and returns the ack status and body plus the final response_url post. */
async function run(text: string, user: { id: string; name: string } = USERS.viewer) {
  const sent = await h.requests.slashCommand(user, text);
  const ack = sent.json as Record<string, unknown> | undefined;
  return { sent, ack };
}

/** Every string Slack parses as mrkdwn: the text fallback and mrkdwn text objects (plain_text is shown literally). */
function mrkdwnOf(body: Record<string, unknown>): string[] {
  const found: string[] = [String(body.text ?? '')];
  JSON.stringify(body.blocks ?? [], (_key, value: unknown) => {
    const object = value as { type?: string; text?: unknown };
    if (object && object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
    return value;
  });
  return found;
}

async function answer(sentId: string, predicate: (body: string) => boolean = () => true) {
  const response = await h.slack.waitForResponse((r) => r.id === sentId && predicate(JSON.stringify(r.body)), 8000);
  return response.body;
}

describe('/dart balance', () => {
  it('acks at once and answers 980.04 ephemerally', async () => {
    const { sent } = await run('balance billyjoel');
    expect(sent.status).toBe(200);
    const body = await answer(sent.responseId);
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body)).toContain('980.04 USDC');
    expect(String(body.text)).toContain('980.04');
    const call = h.dart.callsTo('customer/usdc-balance').at(-1);
    expect(call?.query).toEqual({ dart_user_name: 'billyjoel' });
  });

  it('acks within Slack’s window while DART takes 4 seconds, shows progress, then the balance', async () => {
    h.dart.setLatency(4000);
    const { sent } = await run('balance billyjoel');
    // The ack is the HTTP answer itself: it came back before any answer from DART was shown.
    expect(sent.status).toBe(200);
    expect(h.slack.responses.some((r) => r.id === sent.responseId)).toBe(false);
    const progress = await answer(sent.responseId, (body) => body.includes('Fetching the balance'));
    expect(progress.replace_original).toBe(false);
    // DART_TIMEOUT_MS is 1.5 s in tests, so a 4 s DART is reported as not answering in time…
    const final = await answer(sent.responseId, (body) => body.includes('did not answer in time'));
    expect(final.replace_original).toBe(true);
  });

  it('with the default timeout, a 4-second DART is acked at once and answered with 980.04', async () => {
    const slow = await startHarness({ env: { DART_TIMEOUT_MS: '10000' } });
    try {
      slow.dart.setLatency(4000);
      const sent = await slow.requests.slashCommand(USERS.viewer, 'balance billyjoel');
      expect(sent.status).toBe(200);
      // The ack came back while DART was still working on its answer.
      expect(slow.slack.responses.some((r) => JSON.stringify(r.body).includes('980.04'))).toBe(false);
      const final = await slow.slack.waitForResponse((r) => r.id === sent.responseId && JSON.stringify(r.body).includes('980.04'), 10_000);
      expect(final.body.replace_original).toBe(true);
      expect(slow.slack.responses.filter((r) => r.id === sent.responseId)).toHaveLength(2);
    } finally {
      await slow.stop();
    }
  });

  it('refuses a malformed user name without calling DART', async () => {
    const before = h.dart.calls.length;
    const { ack } = await run('balance <!channel>');
    expect(ack?.response_type).toBe('ephemeral');
    expect(String(ack?.text)).toContain('Bad &lt;user&gt;');
    expect(String(ack?.text)).toContain('/dart balance &lt;user&gt;');
    expect(String(ack?.text)).not.toContain('<!channel>');
    expect(h.dart.calls.length).toBe(before);
  });

  it('says what is missing and shows the usage', async () => {
    const { ack } = await run('balance');
    expect(String(ack?.text)).toContain('Missing &lt;user&gt;');
    const extra = await run('balance billyjoel extra');
    expect(String(extra.ack?.text)).toContain('Too many arguments');
  });
});

describe('DART failures become clear answers', () => {
  const cases = [
    { name: 'unknown customer (404)', setup: () => {}, user: 'nobody', expected: 'DART has no customer' },
    {
      name: 'bad token (401)',
      setup: () => h.dart.injectFault({ kind: 'status', status: 401, body: '{"message":"Unauthenticated."}' }),
      user: 'billyjoel',
      expected: 'refused this app’s API token',
    },
    {
      name: 'validation error (422) with DART’s message',
      setup: () => h.dart.injectFault({ kind: 'status', status: 422, body: '{"message":"The dart user name is invalid."}' }),
      user: 'billyjoel',
      expected: 'The dart user name is invalid.',
    },
    {
      name: 'server error (500, every retry)',
      setup: () => h.dart.injectFault({ kind: 'status', status: 500 }, { times: 3 }),
      user: 'billyjoel',
      expected: 'DART is having trouble',
    },
    {
      name: 'HTML error page with 200',
      setup: () => h.dart.injectFault({ kind: 'html' }),
      user: 'billyjoel',
      expected: 'could not read',
    },
    { name: 'hung DART', setup: () => h.dart.injectFault({ kind: 'hang' }), user: 'billyjoel', expected: 'did not answer in time' },
    {
      name: 'connection reset (every retry)',
      setup: () => h.dart.injectFault({ kind: 'reset' }, { times: 3 }),
      user: 'billyjoel',
      expected: 'Could not reach DART',
    },
  ];
  // Every read command goes through the same failure handling; each is checked against each failure.
  const commands = ['balance', 'customer', 'scripts', 'token'] as const;
  const commandText = (command: (typeof commands)[number], user: string) =>
    command === 'token' ? `token ${user} Chaos` : `${command} ${user}`;
  for (const command of commands) {
    for (const failure of cases) {
      it(`/dart ${command}: ${failure.name}`, async () => {
        failure.setup();
        const { sent } = await run(commandText(command, failure.user));
        expect(sent.status).toBe(200);
        const body = await answer(sent.responseId, (text) => !text.includes('hourglass'));
        const shown = JSON.stringify(body);
        expect(shown).toContain(failure.expected);
        expect(shown).not.toMatch(/at .*\.ts:\d+|Error:|stack/);
      });
    }
  }

  it('retries a read once after a transient 503 and then answers', async () => {
    h.dart.injectFault({ kind: 'status', status: 503 });
    const { sent } = await run('balance billyjoel');
    const body = await answer(sent.responseId, (text) => !text.includes('hourglass'));
    expect(JSON.stringify(body)).toContain('980.04');
  });
});

describe('/dart customer', () => {
  it('shows the card with follow-up buttons that work', async () => {
    const { sent } = await run('customer billyjoel');
    const body = await answer(sent.responseId);
    const shown = JSON.stringify(body);
    expect(shown).toContain('Billy Joel');
    expect(shown).toContain('billy@gmail.com');
    const blocks = body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    const buttons = blocks.find((block) => block.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual(['customer.balance', 'customer.scripts']);

    const click = await h.requests.blockAction(USERS.viewer, { action_id: 'customer.scripts', value: 'billyjoel' });
    expect(click.status).toBe(200);
    const scripts = await answer(click.responseId);
    expect(JSON.stringify(scripts)).toContain('Full Velocity Members Only');
  });

  it('escapes names that try to ping or link', async () => {
    const customer = h.dart.state.customers.get('billyjoel');
    if (!customer) throw new Error('seed missing');
    const original = customer.first_name;
    customer.first_name = '<!channel> <https://evil.example|click>';
    try {
      const { sent } = await run('customer billyjoel');
      const shown = JSON.stringify(mrkdwnOf(await answer(sent.responseId)));
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<https://evil.example');
      expect(shown).toContain('&lt;!channel&gt;');
    } finally {
      customer.first_name = original;
    }
  });
});

describe('/dart scripts and /dart token', () => {
  it('lists trade scripts with amounts as DART sent them', async () => {
    const { sent } = await run('scripts billyjoel');
    const shown = JSON.stringify(await answer(sent.responseId));
    expect(shown).toContain('Full Velocity Members Only');
    expect(shown).toContain('49.25 USDC');
    expect(shown).toContain('50.00 USDC');
    expect(shown).toContain('code 5');
    expect(shown).toContain('8 Jun 2022');
  });

  it('shows a token value', async () => {
    const { sent } = await run('token billyjoel Chaos');
    const shown = JSON.stringify(await answer(sent.responseId));
    expect(shown).toContain('19.96');
    expect(h.dart.callsTo('customer/token-value').at(-1)?.query).toEqual({ dart_user_name: 'billyjoel', token: 'Chaos' });
  });

  it('asks for the token name when it is missing', async () => {
    const { ack } = await run('token billyjoel');
    expect(String(ack?.text)).toContain('Missing &lt;token&gt;');
  });
});

describe('help, unknown commands and roles', () => {
  it('bare /dart lists the read commands for a viewer', async () => {
    const { sent } = await run('');
    const shown = JSON.stringify(await answer(sent.responseId));
    for (const usage of ['/dart customer <user>', '/dart balance <user>', '/dart scripts <user>', '/dart token <user> <token>']) {
      expect(shown).toContain(usage.replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
    }
  });

  it('an unknown subcommand gets a short ephemeral hint', async () => {
    const { ack } = await run('frobnicate billyjoel');
    expect(ack?.response_type).toBe('ephemeral');
    expect(String(ack?.text)).toContain('Unknown command');
    expect(String(ack?.text)).toContain('/dart help');
  });

  it('a caller without a role is told which role is needed, and DART is not called', async () => {
    const before = h.dart.calls.length;
    const { ack } = await run('balance billyjoel', USERS.stranger);
    expect(String(ack?.text)).toContain('*viewer* role');
    expect(String(ack?.text)).toContain('DART_VIEWERS');
    expect(h.dart.calls.length).toBe(before);
    const click = await h.requests.blockAction(USERS.stranger, { action_id: 'customer.balance', value: 'billyjoel' });
    const refusal = await answer(click.responseId);
    expect(JSON.stringify(refusal)).toContain('viewer');
    expect(h.dart.calls.length).toBe(before);
  });

  it('a wrongly signed request is refused and runs nothing', async () => {
    const before = h.dart.calls.length;
    const sent = await h.requests.raw('command=%2Fdart&text=balance+billyjoel&user_id=U0VIEWER01', {
      'x-slack-signature': 'v0=deadbeef',
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
    });
    expect(sent.status).toBe(401);
    expect(h.dart.calls.length).toBe(before);
  });
});

describe('secrets', () => {
  it('never reach Slack or the logs', () => {
    const sent = everythingSent(h);
    for (const secret of Object.values(SECRETS)) {
      if (secret === SECRETS.botToken) continue; // the bot token is how the app authenticates to Slack's API
      expect(sent).not.toContain(secret);
    }
    expect(h.logs.join('')).not.toContain(SECRETS.botToken);
    expect(CHANNELS.alerts).toBeTruthy();
  });
});
