import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandin } from '../../src/sandbox/slack/standin.ts';
import { isProbe, SECRETS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf } from '../support/modals.ts';

const OPS_GROUP = 'S0OPSGRP01';
const UNREADABLE_GROUP = 'S0NOSCOPE1';
const GROUP_MEMBER = { id: 'U0GROUPOP1', name: 'gina' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_OPERATORS: `${USERS.operator.id},${OPS_GROUP}` }, userGroups: { [OPS_GROUP]: [GROUP_MEMBER.id] } });
});
afterAll(() => h.stop());

async function helpFor(user: { id: string; name: string }): Promise<string> {
  const sent = await h.requests.slashCommand(user, 'help');
  return JSON.stringify((await h.slack.waitForResponse((response) => response.id === sent.responseId)).body);
}

const READS = ['/dart customer', '/dart balance', '/dart scripts', '/dart token', '/dart history'];
const WRITES = ['/dart create', '/dart edit', '/dart suspend', '/dart resume'];

describe('roles', () => {
  it('user groups are read at start-up, so the first role check needs no Slack call', async () => {
    // No request has been sent to the app yet in this file.
    await h.slack.waitForCall('usergroups.users.list', (call) => call.args.usergroup === OPS_GROUP);
  });

  it('help lists only what a viewer may run', async () => {
    const help = await helpFor(USERS.viewer);
    for (const usage of READS) expect(help).toContain(usage);
    for (const usage of WRITES) expect(help).not.toContain(usage);
  });

  it('help lists the writes for an operator', async () => {
    const help = await helpFor(USERS.operator);
    for (const usage of [...READS, ...WRITES]) expect(help).toContain(usage);
  });

  it('help for a treasurer lists the reads but not the customer writes', async () => {
    const help = await helpFor(USERS.treasurer);
    for (const usage of READS) expect(help).toContain(usage);
    for (const usage of WRITES) expect(help).not.toContain(usage);
  });

  it('a member of a user group listed in DART_OPERATORS may suspend', async () => {
    const sent = await h.requests.slashCommand(GROUP_MEMBER, 'suspend billyjoel 2');
    const body = (await h.slack.waitForResponse((response) => response.id === sent.responseId)).body;
    expect(body.response_type).toBe('in_channel');
    expect(h.dart.callsTo('customer/update-tsp-status').at(-1)?.form.tsp_duration).toBe('2');
    expect(h.slack.callsTo('usergroups.users.list').map((call) => call.args.usergroup)).toContain(OPS_GROUP);
    expect(await helpFor(GROUP_MEMBER)).toContain('/dart suspend');
  });

  it('a group that cannot be read (missing scope) grants nothing and says why in the log', async () => {
    // Its own app and Slack, refusing the scope from the start.
    const slack = createSlackStandin({ botToken: SECRETS.botToken });
    await slack.start();
    slack.override('usergroups.users.list', () => ({ ok: false, error: 'missing_scope' }));
    const fresh = await startHarness({ env: { DART_OPERATORS: UNREADABLE_GROUP }, slack });
    try {
      const sent = await fresh.requests.slashCommand(USERS.operator, 'suspend billyjoel 2');
      expect(JSON.stringify(sent.json)).toContain('*operator* role');
      expect(fresh.dart.calls.filter((call) => !isProbe(call))).toHaveLength(0);
      const line = fresh.logs.find((log) => log.includes(UNREADABLE_GROUP) && log.includes('missing_scope'));
      expect(line).toBeDefined();
      expect(line).toContain('add the usergroups:read scope');
    } finally {
      await fresh.stop();
      await slack.stop();
    }
  });

  it('a viewer is refused every write: commands, buttons, forms and the shortcut; DART is not called', async () => {
    const before = h.dart.calls.length;
    const opens = h.slack.callsTo('views.open').length;
    for (const command of ['create', 'edit billyjoel', 'suspend billyjoel 10', 'suspend billyjoel', 'resume billyjoel']) {
      const sent = await h.requests.slashCommand(USERS.viewer, command);
      expect(JSON.stringify(sent.json), command).toContain('needs the *operator* role (DART_OPERATORS)');
    }
    for (const action of ['customer.edit', 'customer.suspend', 'customer.resume']) {
      const click = await h.requests.blockAction(USERS.viewer, { action_id: action, value: 'billyjoel' });
      const body = (await h.slack.waitForResponse((response) => response.id === click.responseId)).body;
      expect(JSON.stringify(body), action).toContain('*operator* role');
    }
    const forms: Array<{ callback_id: string; private_metadata: string; fields: Record<string, string> }> = [
      {
        callback_id: 'customer.create',
        private_metadata: '{}',
        fields: { first_name: 'A', last_name: 'B', user_name: 'abc', email: 'a@b.co', password: '' },
      },
      {
        callback_id: 'customer.edit',
        private_metadata: JSON.stringify({
          userName: 'billyjoel',
          current: { first_name: 'Billy', last_name: 'Joel', email: 'billy@gmail.com' },
        }),
        fields: { first_name: 'Mallory', last_name: 'Joel', email: 'billy@gmail.com', password: '' },
      },
      { callback_id: 'tsp.suspend', private_metadata: JSON.stringify({ userName: 'billyjoel' }), fields: { custom: '10' } },
    ];
    for (const form of forms) {
      const view = {
        id: 'V0FORGED02',
        callback_id: form.callback_id,
        private_metadata: form.private_metadata,
        blocks: [],
        title: { text: '' },
      };
      const ack = (await submitView(h, USERS.viewer, view, form.fields)).json as { response_action: string; view: unknown };
      expect(ack.response_action, form.callback_id).toBe('update');
      expect(JSON.stringify(ack.view), form.callback_id).toContain('This form needs the *operator* role');
    }
    const refusal = nextCall(h, 'views.open');
    await h.requests.globalShortcut(USERS.viewer, 'customer.create.shortcut');
    expect(viewOf(await refusal).title.text).toBe('Not allowed');
    expect(h.dart.calls.length).toBe(before);
    expect(h.slack.callsTo('views.open')).toHaveLength(opens + 1);
  });
});
