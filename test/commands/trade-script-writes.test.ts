import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addCustomer } from '../../src/sandbox/dart/state.ts';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, selected, submitView, viewOf, type OpenedView, type SubmissionAck } from '../support/modals.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const hoursLater = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => NOW });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.dart.setLatency(0);
});

const tspCalls = () => h.dart.callsTo('customer/update-tsp-status');

/** `/dart <text>` as `user`; the ack and, when asked, the response that follows. */
async function run(text: string, user: { id: string; name: string } = USERS.operator) {
  const sent = await h.requests.slashCommand(user, text);
  expect(sent.status).toBe(200);
  return sent;
}

async function responseTo(responseId: string, predicate: (text: string) => boolean = () => true) {
  return (await h.slack.waitForResponse((response) => response.id === responseId && predicate(JSON.stringify(response.body)), 8000)).body;
}

describe('/dart suspend with a duration', () => {
  it('is refused to a viewer, and DART is not called', async () => {
    const before = h.dart.calls.length;
    const sent = await run('suspend billyjoel 10', USERS.viewer);
    const ack = sent.json as { text: string; response_type: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('`/dart suspend` needs the *operator* role');
    expect(ack.text).toContain('DART_OPERATORS');
    expect(h.dart.calls.length).toBe(before);
  });

  it('10h: one update-tsp-status call, a confirmation in the channel with the end time, and a reminder then', async () => {
    const before = tspCalls().length;
    const scheduled = nextCall(h, 'chat.scheduleMessage');
    const sent = await run('suspend billyjoel 10h');
    const body = await responseTo(sent.responseId);
    expect(tspCalls()).toHaveLength(before + 1);
    expect(tspCalls().at(-1)?.form).toEqual({ dart_user_name: 'billyjoel', external_tsp_status: 'false', tsp_duration: '10' });

    expect(body.response_type).toBe('in_channel');
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain(`<@${USERS.operator.id}> suspended the trade scripts of \`billyjoel\` for 10 hours`);
    // Each reader sees the end in their own time zone; the fallback is UTC.
    expect(shown).toContain(`<!date^${seconds(hoursLater(10))}^{date_short_pretty} at {time}|1 Mar 2025, 22:00 UTC>`);
    expect(shown).toContain('A reminder will be posted here');

    const reminder = await scheduled;
    expect(reminder.args.channel).toBe(CHANNELS.ops);
    expect(Number(reminder.args.post_at)).toBe(seconds(hoursLater(10)));
    expect(JSON.stringify(reminder.args.blocks)).toContain('ends now');

    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]).toMatchObject({
      action: 'tsp.suspend',
      requestedBy: USERS.operator.id,
      outcome: 'succeeded',
      sent: { dart_user_name: 'billyjoel', external_tsp_status: 'false', tsp_duration: '10' },
      at: NOW,
    });
  });

  it('2d sends 48 hours, and replaces the pending reminder', async () => {
    const before = tspCalls().length;
    const pending = h.slack.callsTo('chat.scheduleMessage').at(-1)?.result?.scheduled_message_id;
    const deleted = nextCall(h, 'chat.deleteScheduledMessage');
    const sent = await run('suspend billyjoel 2d');
    await responseTo(sent.responseId);
    expect(tspCalls()).toHaveLength(before + 1);
    expect(tspCalls().at(-1)?.form.tsp_duration).toBe('48');
    expect((await deleted).args.scheduled_message_id).toBe(pending);
  });

  it('accepts 720 hours (30d) and capital units', async () => {
    for (const [text, hours] of [
      ['720', '720'],
      ['30d', '720'],
      ['3H', '3'],
    ] as const) {
      const sent = await run(`suspend grace ${text}`);
      await responseTo(sent.responseId);
      expect(tspCalls().at(-1)?.form.tsp_duration).toBe(hours);
    }
  });

  for (const bad of ['1.5', '0', '-1', 'abc', '721', '31d', '0h', '10m', '1e3', '99999999999999999999']) {
    it(`refuses "${bad}" with the accepted forms and sends nothing`, async () => {
      const before = h.dart.calls.length;
      const opens = h.slack.callsTo('views.open').length;
      const sent = await run(`suspend billyjoel ${bad}`);
      const ack = sent.json as { text: string; response_type: string };
      expect(ack.response_type).toBe('ephemeral');
      expect(ack.text).toContain('Bad &lt;duration&gt;');
      expect(ack.text).toContain('10, 10h or 2d');
      expect(ack.text).toContain('1 to 720');
      expect(h.dart.calls.length).toBe(before);
      expect(h.slack.callsTo('views.open')).toHaveLength(opens);
    });
  }

  it('refuses extra words and a bad user name', async () => {
    const before = h.dart.calls.length;
    expect(JSON.stringify((await run('suspend billyjoel 10 h')).json)).toContain('Too many arguments');
    expect(JSON.stringify((await run('suspend <!here> 10')).json)).toContain('Bad &lt;user&gt;');
    expect(h.dart.calls.length).toBe(before);
  });

  it('says the outcome is unknown on a 500, does not retry, and schedules no reminder', async () => {
    const before = tspCalls().length;
    const reminders = h.slack.callsTo('chat.scheduleMessage').length;
    h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/update-tsp-status' });
    const sent = await run('suspend adaline 5');
    const body = await responseTo(sent.responseId);
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body)).toContain('may or may not be suspended');
    expect(JSON.stringify(body)).toContain('did not retry');
    expect(tspCalls()).toHaveLength(before + 1);
    expect(h.slack.callsTo('chat.scheduleMessage')).toHaveLength(reminders);
    expect((await h.app.storage.audit.forCustomer('adaline', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });

  it('tells the requester when DART refuses (unknown customer), privately', async () => {
    const sent = await run('suspend nobody 5');
    const body = await responseTo(sent.responseId);
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body)).toContain('DART has no customer');
    expect((await h.app.storage.audit.forCustomer('nobody', { limit: 1 }))[0]?.outcome).toBe('failed');
  });

  it('says when Slack would not take the reminder (app not in the channel)', async () => {
    h.slack.override('chat.scheduleMessage', () => ({ ok: false, error: 'not_in_channel' }));
    try {
      const sent = await run('suspend grace 2');
      const body = await responseTo(sent.responseId);
      expect(JSON.stringify(body)).toContain('No reminder will be posted here');
      expect(JSON.stringify(body)).toContain('not_in_channel');
    } finally {
      h.slack.override('chat.scheduleMessage', undefined);
    }
  });
});

describe('/dart suspend without a duration: the form', () => {
  async function openForm(): Promise<OpenedView> {
    const opened = nextCall(h, 'views.open');
    await run('suspend billyjoel');
    return viewOf(await opened);
  }

  it('offers the common durations and a custom one', async () => {
    const form = await openForm();
    expect(form.callback_id).toBe('tsp.suspend');
    const preset = form.blocks.find((block) => block.block_id === 'preset') as { element: { options: Array<{ value: string }> } };
    expect(preset.element.options.map((option) => option.value)).toEqual(['1', '4', '12', '24', '48', '168']);
    expect(form.blocks.some((block) => block.block_id === 'custom')).toBe(true);
  });

  it('suspends for the chosen duration and posts the confirmation in the channel', async () => {
    const form = await openForm();
    const posted = nextCall(h, 'chat.postMessage', (call) => call.args.channel === CHANNELS.ops);
    const ack = (await submitView(h, USERS.operator, form, { preset: selected('168') })).json as SubmissionAck;
    expect(tspCalls().at(-1)?.form).toEqual({ dart_user_name: 'billyjoel', external_tsp_status: 'false', tsp_duration: '168' });
    expect(ack.view?.title.text).toBe('Suspended');
    expect(JSON.stringify((await posted).args.blocks)).toContain('168 hours (7 days)');
  });

  it('takes a typed duration: 2d is 48 hours', async () => {
    const form = await openForm();
    await submitView(h, USERS.operator, form, { custom: '2d' });
    expect(tspCalls().at(-1)?.form.tsp_duration).toBe('48');
  });

  const bad: Array<[name: string, fields: Record<string, string | Record<string, unknown>>, field: string, message: string]> = [
    ['nothing chosen', {}, 'preset', 'Choose a duration'],
    ['both chosen', { preset: selected('4'), custom: '5' }, 'custom', 'not both'],
    ['a fraction', { custom: '1.5' }, 'custom', '10, 10h or 2d'],
    ['too long', { custom: '721' }, 'custom', 'more than the 720'],
    ['zero', { custom: '0' }, 'custom', 'at least 1 hour'],
  ];
  for (const [name, fields, field, message] of bad) {
    it(`shows an error on ${field} for ${name} and sends nothing`, async () => {
      const form = await openForm();
      const before = h.dart.calls.length;
      const ack = (await submitView(h, USERS.operator, form, fields)).json as SubmissionAck;
      expect(ack.response_action).toBe('errors');
      expect(ack.errors?.[field]).toContain(message);
      expect(h.dart.calls.length).toBe(before);
    });
  }

  it('opens from the card’s Suspend button', async () => {
    const opened = nextCall(h, 'views.open');
    await h.requests.blockAction(USERS.operator, { action_id: 'customer.suspend', value: 'adaline' });
    const form = viewOf(await opened);
    expect(JSON.parse(form.private_metadata)).toEqual({ userName: 'adaline', channel: CHANNELS.ops });
  });
});

describe('/dart resume', () => {
  it('lifts the restriction, confirms in the channel and takes back the pending reminder', async () => {
    const suspended = await run('suspend adaline 6');
    await responseTo(suspended.responseId);
    const pending = h.slack.callsTo('chat.scheduleMessage').at(-1)?.result?.scheduled_message_id;
    const deleted = nextCall(h, 'chat.deleteScheduledMessage');
    const before = tspCalls().length;
    const sent = await run('resume adaline');
    const body = await responseTo(sent.responseId);
    expect(tspCalls()).toHaveLength(before + 1);
    expect(tspCalls().at(-1)?.form).toEqual({ dart_user_name: 'adaline', external_tsp_status: 'true' });
    expect(body.response_type).toBe('in_channel');
    expect(JSON.stringify(body)).toContain(
      `lifted the trade-script restriction of \`adaline\` (suspended by <@${USERS.operator.id}> until <!date^${seconds(hoursLater(6))}^`,
    );
    expect(JSON.stringify(body)).toContain('reminder was taken back');
    expect((await deleted).args).toMatchObject({ channel: CHANNELS.ops, scheduled_message_id: pending });
    expect((await h.app.storage.audit.forCustomer('adaline', { limit: 1 }))[0]).toMatchObject({
      action: 'tsp.resume',
      outcome: 'succeeded',
      sent: { dart_user_name: 'adaline', external_tsp_status: 'true' },
    });
  });

  it('works from the card’s Resume button', async () => {
    addCustomer(h.dart.state, {
      first_name: 'Nina',
      last_name: 'Never',
      user_name: 'nina',
      email: 'nina@example.com',
      password: 'password-123',
    });
    const before = tspCalls().length;
    const click = await h.requests.blockAction(USERS.operator, { action_id: 'customer.resume', value: 'nina' });
    const body = await responseTo(click.responseId);
    expect(tspCalls()).toHaveLength(before + 1);
    expect(tspCalls().at(-1)?.form).toEqual({ dart_user_name: 'nina', external_tsp_status: 'true' });
    expect(body.response_type).toBe('in_channel');
    // nina was never suspended by this app: the channel is not told a restriction was lifted.
    const shown = JSON.stringify(body);
    expect(shown).toContain('told DART to allow the trade scripts of `nina`. No suspension by this app was recorded.');
    expect(shown).not.toContain('lifted');
  });

  it('is refused to a viewer, as are the Suspend and Resume buttons and the suspend form', async () => {
    const before = h.dart.calls.length;
    const opens = h.slack.callsTo('views.open').length;
    expect(JSON.stringify((await run('resume billyjoel', USERS.viewer)).json)).toContain('*operator* role');
    expect(JSON.stringify((await run('suspend billyjoel', USERS.viewer)).json)).toContain('*operator* role');
    for (const action of ['customer.resume', 'customer.suspend', 'customer.edit']) {
      const click = await h.requests.blockAction(USERS.viewer, { action_id: action, value: 'billyjoel' });
      expect(JSON.stringify(await responseTo(click.responseId))).toContain('*operator* role');
    }
    const form = {
      id: 'V0FORGED01',
      callback_id: 'tsp.suspend',
      private_metadata: JSON.stringify({ userName: 'billyjoel' }),
      blocks: [],
      title: { text: '' },
    };
    const ack = (await submitView(h, USERS.viewer, form, { custom: '10' })).json as SubmissionAck;
    expect(JSON.stringify(ack.view)).toContain('*operator* role');
    expect(h.dart.calls.length).toBe(before);
    expect(h.slack.callsTo('views.open')).toHaveLength(opens);
  });
});
