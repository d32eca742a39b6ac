import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, everythingSent, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf, type OpenedView, type SubmissionAck } from '../support/modals.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit } });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.dart.setLatency(0);
});

/** `/dart create` as the operator; resolves to the form Slack was asked to open. */
async function openForm(): Promise<OpenedView> {
  const opened = nextCall(h, 'views.open');
  const sent = await h.requests.slashCommand(USERS.operator, 'create');
  expect(sent.status).toBe(200);
  return viewOf(await opened);
}

const valid = { first_name: 'Ada', last_name: 'Byron', user_name: 'adabyron', email: 'ada@example.org', password: 'Typed-Passw0rd!' };

async function submit(form: OpenedView, fields: Record<string, string>, user: { id: string; name: string } = USERS.operator) {
  const sent = await submitView(h, user, form, fields);
  expect(sent.status).toBe(200);
  return sent.json as SubmissionAck;
}

describe('the create form', () => {
  it('opens with the five fields and remembers the channel it came from', async () => {
    const form = await openForm();
    expect(form.callback_id).toBe('customer.create');
    expect(form.blocks.filter((block) => block.type === 'input').map((block) => block.block_id)).toEqual([
      'first_name',
      'last_name',
      'user_name',
      'email',
      'password',
    ]);
    expect(JSON.parse(form.private_metadata)).toEqual({ channel: CHANNELS.ops });
  });

  const bad: Array<[field: string, value: string, message: string]> = [
    ['first_name', '', 'Required'],
    ['first_name', '   ', 'Required'],
    ['first_name', 'x'.repeat(101), 'At most 100'],
    ['last_name', '', 'Required'],
    ['user_name', '', 'Required'],
    ['user_name', 'billy joel', 'No spaces'],
    ['user_name', 'ab', 'At least 3'],
    ['user_name', 'a'.repeat(65), 'At most 64'],
    ['user_name', 'bad!name', 'Letters, digits'],
    ['user_name', '<!channel>', 'Letters, digits'],
    ['email', '', 'Required'],
    ['email', 'billy-at-example.com', 'Not a valid email'],
    ['email', 'billy@', 'Not a valid email'],
    ['password', 'short', 'At least 8'],
    ['password', 'p'.repeat(129), 'At most 128'],
  ];
  for (const [field, value, message] of bad) {
    it(`shows "${message}" on ${field} for ${JSON.stringify(value.length > 20 ? `${value.slice(0, 10)}…` : value)} and does not call DART`, async () => {
      const form = await openForm();
      const before = h.dart.calls.length;
      const audited = (await h.app.storage.audit.forCustomer(valid.user_name, { limit: 100 })).length;
      const ack = await submit(form, { ...valid, [field]: value });
      expect(ack.response_action).toBe('errors');
      expect(Object.keys(ack.errors ?? {})).toEqual([field]);
      expect(ack.errors?.[field]).toContain(message);
      expect(h.dart.calls.length).toBe(before);
      expect((await h.app.storage.audit.forCustomer(valid.user_name, { limit: 100 })).length).toBe(audited);
    });
  }

  it('reports every wrong field at once', async () => {
    const form = await openForm();
    const ack = await submit(form, { first_name: '', last_name: '', user_name: 'a b', email: 'nope', password: '123' });
    expect(Object.keys(ack.errors ?? {}).sort()).toEqual(['email', 'first_name', 'last_name', 'password', 'user_name']);
  });
});

describe('creating a customer', () => {
  it('sends exactly one customer/create with the typed fields, confirms with the card, and audits it', async () => {
    const form = await openForm();
    const confirmation = nextCall(h, 'chat.postEphemeral');
    const audited = nextCall(h, 'chat.postMessage', (call) => call.args.channel === CHANNELS.audit);
    const ack = await submit(form, valid);

    expect(h.dart.callsTo('customer/create').filter((call) => call.form.user_name === 'adabyron')).toHaveLength(1);
    expect(h.dart.callsTo('customer/create').at(-1)?.form).toEqual(valid);
    expect(h.dart.state.customers.get('adabyron')?.email).toBe('ada@example.org');

    expect(ack.response_action).toBe('update');
    expect(ack.view?.title.text).toBe('Customer created');
    expect(JSON.stringify(ack.view)).toContain('ada@example.org');
    expect(JSON.stringify(ack.view)).not.toContain(valid.password);

    const posted = await confirmation;
    expect(posted.args.channel).toBe(CHANNELS.ops);
    expect(posted.args.user).toBe(USERS.operator.id);
    expect(JSON.stringify(posted.args.blocks)).toContain('Ada Byron');
    const buttons = JSON.stringify(posted.args.blocks);
    expect(buttons).toContain('customer.edit');

    const [entry] = await h.app.storage.audit.forCustomer('adabyron', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'customer.create',
      requestedBy: USERS.operator.id,
      outcome: 'succeeded',
      dartAnswer: 'Customer Created Successfully.',
      sent: { first_name: 'Ada', last_name: 'Byron', user_name: 'adabyron', email: 'ada@example.org', password: '[redacted]' },
    });
    const auditPost = await audited;
    expect(JSON.stringify(auditPost.args)).toContain('customer.create');
    expect(JSON.stringify(auditPost.args)).toContain('adabyron');
    expect(everythingSent(h)).not.toContain(valid.password);
  });

  it('generates a strong password when none is typed and shows it only in the creator’s form', async () => {
    const form = await openForm();
    const ack = await submit(form, { ...valid, user_name: 'genpass', password: '' });
    const password = h.dart.callsTo('customer/create').at(-1)?.form.password ?? '';
    expect(password).toHaveLength(20);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[0-9]/);
    expect(password).toMatch(/[^A-Za-z0-9]/);
    expect(h.dart.state.customers.get('genpass')?.password).toBe(password);

    // Shown once, in the modal's answer to the creator…
    expect(JSON.stringify(ack.view)).toContain(password);
    // …and nowhere else: no message, ephemeral, DM, audit post or log line.
    await h.slack.waitForCall('chat.postEphemeral', (call) => JSON.stringify(call.args).includes('genpass'));
    expect(everythingSent(h)).not.toContain(password);
    expect(h.slack.messages(CHANNELS.audit).some((message) => JSON.stringify(message).includes('genpass'))).toBe(true);
    expect(JSON.stringify(await h.app.storage.audit.forCustomer('genpass', { limit: 5 }))).not.toContain(password);
  });

  it('shows DART’s refusal of a taken user name on the user name field', async () => {
    const form = await openForm();
    const calls = h.dart.callsTo('customer/create').length;
    const ack = await submit(form, { ...valid, user_name: 'billyjoel' });
    expect(ack.response_action).toBe('errors');
    expect(ack.errors).toEqual({ user_name: 'DART: The user name has already been taken.' });
    expect(h.dart.callsTo('customer/create')).toHaveLength(calls + 1);
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]).toMatchObject({
      action: 'customer.create',
      outcome: 'failed',
    });
  });

  it('says the outcome is unknown when DART fails with a 500, and does not retry', async () => {
    const form = await openForm();
    h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/create' });
    const calls = h.dart.callsTo('customer/create').length;
    const ack = await submit(form, { ...valid, user_name: 'maybe500' });
    expect(h.dart.callsTo('customer/create')).toHaveLength(calls + 1);
    expect(ack.view?.title.text).toBe('Outcome unknown');
    expect(JSON.stringify(ack.view)).toContain('may or may not have been created');
    expect(JSON.stringify(ack.view)).toContain('Check in DART');
    expect((await h.app.storage.audit.forCustomer('maybe500', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });

  it('works from the global shortcut, which has no channel: the form is the confirmation', async () => {
    const opened = nextCall(h, 'views.open');
    await h.requests.globalShortcut(USERS.operator, 'customer.create.shortcut');
    const form = viewOf(await opened);
    expect(JSON.parse(form.private_metadata)).toEqual({});
    const ephemerals = h.slack.callsTo('chat.postEphemeral').length;
    const dms = h.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === USERS.operator.id).length;
    const ack = await submit(form, { ...valid, user_name: 'fromshortcut', password: '' });
    const password = h.dart.callsTo('customer/create').at(-1)?.form.password ?? '';
    expect(JSON.stringify(ack.view)).toContain(password);
    await h.slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === CHANNELS.audit && JSON.stringify(call.args).includes('fromshortcut'),
    );
    expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(ephemerals);
    expect(h.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === USERS.operator.id)).toHaveLength(dms);
    expect(everythingSent(h)).not.toContain(password);
  });

  it('is refused to a viewer: the form submission, the command and the shortcut', async () => {
    const form = await openForm();
    const before = h.dart.calls.length;
    const ack = await submit(form, { ...valid, user_name: 'byviewer' }, USERS.viewer);
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view)).toContain('*operator* role');
    const command = await h.requests.slashCommand(USERS.viewer, 'create');
    expect(JSON.stringify(command.json)).toContain('DART_OPERATORS');
    const refusal = nextCall(h, 'views.open');
    await h.requests.globalShortcut(USERS.viewer, 'customer.create.shortcut');
    expect(JSON.stringify((await refusal).args.view)).toContain('*operator* role');
    expect(h.dart.calls.length).toBe(before);
  });

  it('says so when /dart create is given arguments', async () => {
    const sent = await h.requests.slashCommand(USERS.operator, 'create billyjoel');
    expect(JSON.stringify(sent.json)).toContain('Too many arguments');
  });
});

describe('when DART answers after Slack’s window', () => {
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({ env: { DART_TIMEOUT_MS: '8000' } });
  });
  afterAll(() => slow.stop());

  async function openSlowForm(): Promise<OpenedView> {
    const opened = nextCall(slow, 'views.open');
    await slow.requests.slashCommand(USERS.operator, 'create');
    return viewOf(await opened);
  }

  it('acks with a "still working" view, then shows the outcome (and the password) with views.update', async () => {
    const form = await openSlowForm();
    slow.dart.injectFault({ kind: 'delay', ms: 3200 }, { endpoint: 'customer/create' });
    const updated = nextCall(slow, 'views.update', (call) => call.args.view_id === form.id);
    const sent = await submitView(slow, USERS.operator, form, { ...valid, user_name: 'slowpoke', password: '' });
    const ack = sent.json as SubmissionAck;
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view)).toContain('Creating');
    const outcome = await updated;
    const password = slow.dart.callsTo('customer/create').at(-1)?.form.password ?? '';
    expect(password).toHaveLength(20);
    expect(JSON.stringify(outcome.args.view)).toContain(password);
    // The password went out in that one modal update, and in nothing else the app sent or logged.
    const sentWithPassword = slow.slack.calls.filter((call) => JSON.stringify(call.args).includes(password));
    expect(sentWithPassword).toEqual([outcome]);
    expect(slow.logs.join('')).not.toContain(password);
    expect(slow.dart.callsTo('customer/create')).toHaveLength(1);
  });

  it('shows a late refusal in the form again, with the typed values kept', async () => {
    const form = await openSlowForm();
    slow.dart.injectFault({ kind: 'delay', ms: 3200 }, { endpoint: 'customer/create' });
    const updated = nextCall(slow, 'views.update', (call) => call.args.view_id === form.id);
    await submitView(slow, USERS.operator, form, { ...valid, user_name: 'billyjoel' });
    const again = viewOf(await updated);
    expect(again.callback_id).toBe('customer.create');
    expect(JSON.stringify(again.blocks)).toContain('The user name has already been taken.');
    const userName = again.blocks.find((block) => block.block_id === 'user_name') as { element: { initial_value?: string } };
    expect(userName.element.initial_value).toBe('billyjoel');
    expect(JSON.stringify(again)).not.toContain(valid.password);
  });
});
