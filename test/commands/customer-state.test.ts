import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyDartEvent } from '../../src/sandbox/dart/webhooks.ts';
import { addCustomer } from '../../src/sandbox/dart/state.ts';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { fixture, postWebhook } from '../support/webhooks.ts';

// What the app knows of a customer's state, on the card and under `/dart scripts`.

const NOW = new Date('2025-03-01T12:00:00.000Z');
/** The app's clock: NOW, unless a test moves it on (renames are told apart from what came before and after them by time). */
let clock = NOW;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(() => h.stop());
afterEach(() => {
  h.dart.clearFaults();
  clock = NOW;
});
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

type Body = { blocks: Array<{ type: string; elements?: Array<{ action_id?: string }> }> };

async function answer(text: string, user: { id: string; name: string } = USERS.operator): Promise<Body> {
  const sent = await h.requests.slashCommand(user, text);
  return (
    await h.slack.waitForResponse((response) => response.id === sent.responseId && !JSON.stringify(response.body).includes('…'), 8000)
  ).body as unknown as Body;
}

const OPERATOR = `<@${USERS.operator.id}>`;
/** How a time shows in Slack (`<!date^seconds^…>`), up to the fallback text. */
const slackTime = (date: Date) => `<!date^${Math.floor(date.getTime() / 1000)}^`;
const hoursLater = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

/** A customer of DART's that nothing has happened to yet. */
function newCustomer(userName: string): void {
  addCustomer(h.dart.state, {
    first_name: 'Test',
    last_name: userName,
    user_name: userName,
    email: `${userName}@example.com`,
    password: 'password-123',
  });
}

/** DART renames a customer and tells the app with its customer-update webhook. */
async function rename(from: string, to: string): Promise<void> {
  applyDartEvent(h.dart.state, { kind: 'update', user: from, newUser: to });
  const body = { ...fixture('update'), old_dart_user_name: from, new_dart_user_name: to };
  expect((await postWebhook(h.app.url, '/webhook/customer-update', body)).status).toBe(200);
}

const buttons = (body: Body) => body.blocks.flatMap((block) => block.elements ?? []).map((element) => element.action_id);

describe('the customer’s state, as far as this app knows', () => {
  it('a suspension by this app: the card and /dart scripts say by whom and until when, and the card offers Resume only', async () => {
    await answer('suspend billyjoel 10');
    const until = Math.floor(NOW.getTime() / 1000) + 10 * 3600;
    const card = await answer('customer billyjoel');
    expect(JSON.stringify(card)).toContain(`Suspended by <@${USERS.operator.id}> until <!date^${until}^`);
    expect(buttons(card)).toContain('customer.resume');
    expect(buttons(card)).not.toContain('customer.suspend');
    expect(JSON.stringify(await answer('scripts billyjoel'))).toContain(`Suspended by <@${USERS.operator.id}> until <!date^${until}^`);

    await answer('resume billyjoel');
    const after = await answer('customer billyjoel');
    expect(JSON.stringify(after)).toContain(`Not suspended: <@${USERS.operator.id}> lifted the restriction`);
    expect(buttons(after)).toContain('customer.suspend');
    expect(buttons(after)).not.toContain('customer.resume');
  });

  it('no suspension recorded: says so and offers both, since one may have been set outside this app', async () => {
    const card = await answer('customer adaline');
    expect(JSON.stringify(card)).toContain('No suspension by this app recorded');
    expect(buttons(card)).toEqual(expect.arrayContaining(['customer.suspend', 'customer.resume']));
  });

  it('deactivated and re-activated by DART’s webhooks', async () => {
    const deactivate = { ...fixture('deactivate'), old_dart_user_name: 'grace', new_dart_user_name: 'grace' };
    expect((await postWebhook(h.app.url, '/webhook/customer-deactivate', deactivate)).status).toBe(200);
    expect(JSON.stringify(await answer('customer grace'))).toContain('Deactivated (DART’s deactivate webhook, ');
    expect(JSON.stringify(await answer('scripts grace'))).toContain('Deactivated (DART’s deactivate webhook, ');
    const activate = { ...fixture('activate'), old_dart_user_name: 'grace', new_dart_user_name: 'grace' };
    expect((await postWebhook(h.app.url, '/webhook/customer-activate', activate)).status).toBe(200);
    const card = JSON.stringify(await answer('customer grace'));
    expect(card).toContain('Active (DART’s activate webhook, ');
    expect(card).not.toContain('Deactivated');
  });

  it('follows DART’s renames: suspended and deactivated as hopper, then renamed hopper2, the card and /dart scripts under hopper2 say so', async () => {
    newCustomer('hopper');
    await answer('suspend hopper 10');
    const deactivate = { ...fixture('deactivate'), old_dart_user_name: 'hopper', new_dart_user_name: 'hopper' };
    expect((await postWebhook(h.app.url, '/webhook/customer-deactivate', deactivate)).status).toBe(200);
    await rename('hopper', 'hopper2');

    const card = await answer('customer hopper2');
    expect(JSON.stringify(card)).toContain(`Suspended by ${OPERATOR} until ${slackTime(hoursLater(10))}`);
    expect(JSON.stringify(card)).toContain('Deactivated (DART’s deactivate webhook, ');
    expect(buttons(card)).toContain('customer.resume');
    expect(buttons(card)).not.toContain('customer.suspend');
    expect(JSON.stringify(await answer('scripts hopper2'))).toContain(`Suspended by ${OPERATOR} until ${slackTime(hoursLater(10))}`);

    // A resume under the new name lifts what was set under the old one, takes back its reminder, and says so.
    const callsBefore = h.slack.calls.length;
    const resumed = JSON.stringify(await answer('resume hopper2'));
    expect(resumed).toContain(
      `${OPERATOR} lifted the trade-script restriction of \`hopper2\` (suspended by ${OPERATOR} until ${slackTime(hoursLater(10))}`,
    );
    expect(resumed).toContain('The pending end-of-suspension reminder was taken back.');
    expect(h.slack.calls.slice(callsBefore).filter((call) => call.method === 'chat.deleteScheduledMessage')).toHaveLength(1);
    expect(JSON.stringify(await answer('customer hopper2'))).toContain(`Not suspended: ${OPERATOR} lifted the restriction`);
  });

  it('a suspension DART gave no trusted answer to: said to be unknown, both buttons; a refused resume changes nothing, a confirmed one clears it', async () => {
    newCustomer('turing');
    h.dart.injectFault({ kind: 'status', status: 502 }, { endpoint: 'customer/update-tsp-status' });
    expect(JSON.stringify(await answer('suspend turing 10'))).toContain('may or may not be suspended');

    const unknown =
      `Outcome unknown: DART gave no answer that can be trusted to the suspension ${OPERATOR} sent ${slackTime(NOW)}` +
      `{date_short_pretty} at {time}|1 Mar 2025, 12:00 UTC>, so the trade scripts may or may not be suspended until ${slackTime(hoursLater(10))}`;
    const card = await answer('customer turing');
    expect(JSON.stringify(card)).toContain(unknown);
    expect(JSON.stringify(card)).toContain('; check in DART');
    expect(JSON.stringify(card)).not.toContain('No suspension by this app recorded');
    expect(buttons(card)).toEqual(expect.arrayContaining(['customer.suspend', 'customer.resume']));
    expect(JSON.stringify(await answer('scripts turing'))).toContain(unknown);

    // DART limiting requests (429) did nothing: the state stays as it was.
    h.dart.injectFault(
      { kind: 'status', status: 429, body: '{"message":"Too Many Attempts."}' },
      { endpoint: 'customer/update-tsp-status' },
    );
    expect(JSON.stringify(await answer('resume turing'))).toContain('DART is limiting requests');
    expect(JSON.stringify(await answer('customer turing'))).toContain(unknown);

    // Confirmed: the channel is told what was known, never that a suspension was lifted.
    const resumed = JSON.stringify(await answer('resume turing'));
    expect(resumed).toContain(
      `${OPERATOR} told DART to allow the trade scripts of \`turing\`. The last suspension by this app, sent by ${OPERATOR} ${slackTime(NOW)}`,
    );
    expect(resumed).toContain('had an unknown outcome, so whether a restriction was in force is not known.');
    expect(resumed).not.toContain('lifted');
    const after = await answer('customer turing');
    expect(JSON.stringify(after)).toContain(`Not suspended: ${OPERATOR} lifted the restriction`);
    expect(buttons(after)).toContain('customer.suspend');
    expect(buttons(after)).not.toContain('customer.resume');
  });

  it('a resume whose outcome is unknown, after a confirmed suspension: the restriction may or may not have been lifted', async () => {
    newCustomer('lovelace');
    await answer('suspend lovelace 10');
    h.dart.injectFault({ kind: 'reset' }, { endpoint: 'customer/update-tsp-status' });
    expect(JSON.stringify(await answer('resume lovelace'))).toContain('may or may not have been lifted');

    const card = await answer('customer lovelace');
    expect(JSON.stringify(card)).toContain(
      `Outcome unknown: DART gave no answer that can be trusted to the resume ${OPERATOR} sent ${slackTime(NOW)}`,
    );
    expect(JSON.stringify(card)).toContain('so the restriction may or may not have been lifted; check in DART');
    expect(JSON.stringify(card)).not.toContain('Suspended by');
    expect(buttons(card)).toEqual(expect.arrayContaining(['customer.suspend', 'customer.resume']));

    const resumed = JSON.stringify(await answer('resume lovelace'));
    expect(resumed).toContain(`The last resume by this app, sent by ${OPERATOR} ${slackTime(NOW)}`);
    expect(resumed).not.toContain('lifted the trade-script restriction');
  });

  it('an unknown suspension whose time is over: says that if it was applied, it has ended', async () => {
    await h.app.services.audit.record({
      action: 'tsp.suspend',
      customer: 'grace',
      requestedBy: USERS.operator.id,
      sent: { dart_user_name: 'grace', external_tsp_status: 'false', tsp_duration: '2' },
      outcome: 'unknown',
      dartAnswer: 'DART did not answer in time',
      at: hoursLater(-5),
    });
    const card = JSON.stringify(await answer('customer grace'));
    expect(card).toContain(
      `Outcome unknown: DART gave no answer that can be trusted to the suspension ${OPERATOR} sent ${slackTime(hoursLater(-5))}`,
    );
    expect(card).toContain(`; if it was applied, it ended ${slackTime(hoursLater(-3))}`);
  });
  it('a user name given up in a rename and taken by a new customer: neither customer is shown, or lifts, the other’s suspension', async () => {
    newCustomer('lovelace');
    await answer('suspend lovelace 10'); // X, before the rename
    clock = minutesLater(1);
    await rename('lovelace', 'lovelace2');
    clock = minutesLater(2);
    newCustomer('lovelace'); // Y takes the freed name
    const untilX = hoursLater(10);

    // X's suspension follows X to lovelace2; Y, under lovelace, has none recorded.
    expect(JSON.stringify(await answer('customer lovelace2'))).toContain(`Suspended by ${OPERATOR} until ${slackTime(untilX)}`);
    const yCard = await answer('customer lovelace');
    expect(JSON.stringify(yCard)).toContain('No suspension by this app recorded');

    // Y is suspended: X's card is not changed by it, and Y's resume takes back only Y's reminder.
    clock = minutesLater(3);
    await answer('suspend lovelace 2');
    expect(JSON.stringify(await answer('customer lovelace2'))).toContain(`Suspended by ${OPERATOR} until ${slackTime(untilX)}`);
    clock = minutesLater(4);
    const callsBefore = h.slack.calls.length;
    expect(JSON.stringify(await answer('resume lovelace'))).toContain('The pending end-of-suspension reminder was taken back.');
    const deleted = h.slack.calls.slice(callsBefore).filter((call) => call.method === 'chat.deleteScheduledMessage');
    expect(deleted).toHaveLength(1);
    expect(JSON.stringify(await answer('customer lovelace2'))).toContain(`Suspended by ${OPERATOR} until ${slackTime(untilX)}`);
    expect(JSON.stringify(await answer('customer lovelace'))).toContain(`Not suspended: ${OPERATOR} lifted the restriction`);
  });
});
