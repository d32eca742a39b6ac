import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxCustomer } from '../../src/sandbox/dart/state.ts';
import { CHANNELS, everythingSent, startHarness, USERS, type Harness } from '../support/harness.ts';
import { initialValues, nextCall, submitView, viewOf, type OpenedView, type SubmissionAck } from '../support/modals.ts';

let h: Harness;
let billy: SandboxCustomer;
const original = { first_name: 'Billy', last_name: 'Joel', email: 'billy@gmail.com', password: 'billy@123#' };

beforeAll(async () => {
  h = await startHarness();
  billy = h.dart.state.customers.get('billyjoel')!;
});
afterAll(() => h.stop());
beforeEach(() => {
  h.dart.clearFaults();
  h.dart.setLatency(0);
  Object.assign(billy, original);
});

/** `/dart edit <user>`: the loading modal, then the form it was updated to. */
async function openEdit(user = 'billyjoel'): Promise<{ loading: OpenedView; form: OpenedView }> {
  const opened = nextCall(h, 'views.open');
  const updated = nextCall(h, 'views.update');
  const sent = await h.requests.slashCommand(USERS.operator, `edit ${user}`);
  expect(sent.status).toBe(200);
  const loading = viewOf(await opened);
  const form = viewOf(await updated);
  expect(form.id).toBe(loading.id);
  return { loading, form };
}

const unchanged = { first_name: 'Billy', last_name: 'Joel', email: 'billy@gmail.com', password: '' };

describe('/dart edit', () => {
  it('opens a loading modal at once, then fills the form from DART', async () => {
    const { loading, form } = await openEdit();
    expect(loading.submit).toBeUndefined();
    expect(JSON.stringify(loading.blocks)).toContain('Loading');
    expect(form.callback_id).toBe('customer.edit');
    expect(initialValues(form)).toEqual({ first_name: 'Billy', last_name: 'Joel', email: 'billy@gmail.com', password: undefined });
    expect(JSON.stringify(form.blocks)).toContain('billyjoel');
  });

  it('sends first_name=William for billyjoel, leaves the password out, and shows what changed', async () => {
    const { form } = await openEdit();
    const confirmation = nextCall(h, 'chat.postEphemeral');
    const sent = await submitView(h, USERS.operator, form, { ...unchanged, first_name: 'William' });
    const ack = sent.json as SubmissionAck;
    const calls = h.dart.callsTo('customer/update');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.form).toEqual({ dart_user_name: 'billyjoel', first_name: 'William', last_name: 'Joel', email: 'billy@gmail.com' });
    expect(billy.first_name).toBe('William');
    expect(billy.password).toBe(original.password);
    expect(ack.view?.title.text).toBe('Customer updated');
    expect(JSON.stringify(ack.view)).toContain('*First name*: Billy → William');
    expect(JSON.stringify(ack.view)).not.toContain('Last name');
    const posted = await confirmation;
    expect(posted.args.channel).toBe(CHANNELS.ops);
    expect(String(posted.args.text)).toContain('billyjoel');
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]).toMatchObject({
      action: 'customer.update',
      requestedBy: USERS.operator.id,
      outcome: 'succeeded',
      sent: { dart_user_name: 'billyjoel', first_name: 'William', last_name: 'Joel', email: 'billy@gmail.com' },
    });
  });

  it('sends a new password when one is typed, and shows only that it changed', async () => {
    const { form } = await openEdit();
    const ack = (await submitView(h, USERS.operator, form, { ...unchanged, password: 'Brand-New-Pass9' })).json as SubmissionAck;
    expect(h.dart.callsTo('customer/update').at(-1)?.form.password).toBe('Brand-New-Pass9');
    expect(billy.password).toBe('Brand-New-Pass9');
    expect(JSON.stringify(ack.view)).toContain('*Password*: changed');
    expect(JSON.stringify(ack.view)).not.toContain('Brand-New-Pass9');
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]?.sent.password).toBe('[redacted]');
    await h.slack.waitForCall('chat.postEphemeral', (call) => JSON.stringify(call.args).includes('*Password*: changed'));
    expect(everythingSent(h)).not.toContain('Brand-New-Pass9');
  });

  it('sends nothing when nothing changed', async () => {
    const { form } = await openEdit();
    const before = h.dart.callsTo('customer/update').length;
    const ack = (await submitView(h, USERS.operator, form, unchanged)).json as SubmissionAck;
    expect(ack.view?.title.text).toBe('Nothing changed');
    expect(h.dart.callsTo('customer/update')).toHaveLength(before);
  });

  const bad: Array<[field: string, value: string, message: string]> = [
    ['first_name', '', 'Required'],
    ['last_name', ' ', 'Required'],
    ['email', 'billy.gmail.com', 'Not a valid email'],
    ['password', 'seven77', 'At least 8'],
  ];
  for (const [field, value, message] of bad) {
    it(`shows "${message}" on ${field} and does not call DART`, async () => {
      const { form } = await openEdit();
      const before = h.dart.callsTo('customer/update').length;
      const ack = (await submitView(h, USERS.operator, form, { ...unchanged, [field]: value })).json as SubmissionAck;
      expect(ack.response_action).toBe('errors');
      expect(ack.errors?.[field]).toContain(message);
      expect(h.dart.callsTo('customer/update')).toHaveLength(before);
    });
  }

  it('shows DART’s refusal of a field on that field', async () => {
    const { form } = await openEdit();
    h.dart.injectFault({
      kind: 'status',
      status: 422,
      body: JSON.stringify({ message: 'The email has already been taken.', errors: { email: ['The email has already been taken.'] } }),
    });
    const ack = (await submitView(h, USERS.operator, form, { ...unchanged, email: 'ada@example.com' })).json as SubmissionAck;
    expect(ack).toEqual({ response_action: 'errors', errors: { email: 'DART: The email has already been taken.' } });
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]?.outcome).toBe('failed');
  });

  it('says the outcome is unknown when DART does not answer in time', async () => {
    const { form } = await openEdit();
    h.dart.injectFault({ kind: 'hang' }, { endpoint: 'customer/update' });
    const before = h.dart.callsTo('customer/update').length;
    const ack = (await submitView(h, USERS.operator, form, { ...unchanged, last_name: 'Joël' })).json as SubmissionAck;
    expect(ack.view?.title.text).toBe('Outcome unknown');
    expect(JSON.stringify(ack.view)).toContain('may or may not have been applied');
    expect(h.dart.callsTo('customer/update')).toHaveLength(before + 1);
    expect((await h.app.storage.audit.forCustomer('billyjoel', { limit: 1 }))[0]?.outcome).toBe('unknown');
  });

  it('shows DART’s failure to load in the modal', async () => {
    const { form } = await openEdit('nobody');
    expect(form.submit).toBeUndefined();
    expect(JSON.stringify(form.blocks)).toContain('DART has no customer');
    h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/get', times: 3 });
    const failed = await openEdit();
    expect(JSON.stringify(failed.form.blocks)).toContain('DART is having trouble');
  });

  it('refuses a bad user name without opening anything', async () => {
    const opens = h.slack.callsTo('views.open').length;
    const sent = await h.requests.slashCommand(USERS.operator, 'edit');
    expect(JSON.stringify(sent.json)).toContain('Missing &lt;user&gt;');
    expect(h.slack.callsTo('views.open')).toHaveLength(opens);
  });
});

describe('the customer card', () => {
  it('shows Edit, Suspend and Resume to operators only, and Edit opens the form', async () => {
    const buttonsFor = async (user: { id: string; name: string }) => {
      const sent = await h.requests.slashCommand(user, 'customer billyjoel');
      const body = (await h.slack.waitForResponse((response) => response.id === sent.responseId)).body;
      const actions = (body.blocks as Array<{ type: string; elements?: Array<{ action_id: string }> }>).find(
        (block) => block.type === 'actions',
      );
      return { ids: (actions?.elements ?? []).map((element) => element.action_id), blocks: body.blocks as unknown[] };
    };
    expect((await buttonsFor(USERS.viewer)).ids).toEqual(['customer.balance', 'customer.scripts']);
    const operator = await buttonsFor(USERS.operator);
    expect(operator.ids).toEqual(['customer.balance', 'customer.scripts', 'customer.edit', 'customer.suspend', 'customer.resume']);
    // Resume acts at once, so Slack asks "are you sure?" first.
    expect(JSON.stringify(operator.blocks)).toContain('Lift the restriction?');

    const opened = nextCall(h, 'views.open');
    const updated = nextCall(h, 'views.update');
    await h.requests.blockAction(USERS.operator, { action_id: 'customer.edit' }, { message: { ts: '1.2', blocks: operator.blocks } });
    expect(JSON.stringify((await opened).args.view)).toContain('Loading');
    const form = viewOf(await updated);
    expect(initialValues(form).first_name).toBe('Billy');
    expect(JSON.parse(form.private_metadata).channel).toBe(CHANNELS.ops);
  });
});
