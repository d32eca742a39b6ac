import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/demo/console.ts';
import { DEMO_CHANNELS, DEMO_USERS, type DemoWorld } from '../../src/demo/world.ts';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { PROTOCOL_APP, startProtocolApp, type ProtocolApp } from './protocol-app.ts';

// The console as a Slack client, against a second small Bolt app that uses the Slack
// surfaces dart-slack's later features use (modals, channel posts, edits, ephemerals).

let slack: SlackStandin;
let dart: DartSandbox;
let app: ProtocolApp;
let world: DemoWorld;

beforeAll(async () => {
  slack = createSlackStandin({ botToken: PROTOCOL_APP.botToken });
  await slack.start();
  dart = createDartSandbox();
  await dart.start();
  app = await startProtocolApp(slack);
  world = {
    slack,
    dart,
    requests: new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: PROTOCOL_APP.signingSecret, standin: slack }),
    webhookBaseUrl: app.url,
    webhookSecret: undefined,
    users: DEMO_USERS,
    channels: Object.fromEntries(Object.entries(DEMO_CHANNELS).map(([name, id]) => [id, name])),
    commandChannel: DEMO_CHANNELS.ops,
    rolesOf: async () => new Set(['viewer']),
    dartTimeoutMs: 10_000,
    about: [],
    stop: async () => {},
  };
});
afterAll(async () => {
  await app.stop();
  await slack.stop();
  await dart.stop();
});
beforeEach(() => {
  app.payloads.length = 0;
});

/** Runs a scripted session (one line per command or answer) and returns everything printed. */
async function session(lines: string[]): Promise<string> {
  return (await scripted(lines)).printed;
}

/** The same, with the session's exit status. */
async function scripted(lines: string[]): Promise<{ printed: string; status: number }> {
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const status = await runConsole({ input: Readable.from(lines.map((line) => `${line}\n`)), output, world });
  return { printed, status };
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads nested JSON of any shape
type Payload = Record<string, any>;

function payloadsOf(type: string): Payload[] {
  return app.payloads.filter((payload) => payload.type === type) as Payload[];
}

describe('modals', () => {
  it('waits for a loading modal to be filled, asks each field, shows inline errors and asks those again, then submits', async () => {
    const out = await session(['/dart form', 'bad', '2', '', 'short', 'longenough1', 'Bill', 'exit']);
    expect(out).toContain('[modal] Edit thing');
    expect(out).toContain('Fill this in');
    expect(out).not.toContain('Loading…'); // the loading state was replaced before prompting
    expect(out).toContain('  Name [Billy]: bad');
    expect(out).toContain('    1) Small\n    2) Large\n  Size [Small]: 2');
    expect(out).toContain('  (We never write to it.)\n  Email (optional): \n');
    expect(out).toContain('  ! Enter at least 8 characters.');
    expect(out).toContain('  Password: ********');
    expect(out).not.toContain('longenough1');
    expect(out).toContain('  ! Name: Name must not be bad.\n  Name [bad]: Bill');
    expect(out).toContain('  → Save');

    const submissions = payloadsOf('view_submission');
    expect(submissions).toHaveLength(2);
    const values = submissions[1]!.view.state.values;
    expect(values.name.value).toEqual({ type: 'plain_text_input', value: 'Bill' });
    expect(values.size.value).toEqual({
      type: 'static_select',
      selected_option: { text: { type: 'plain_text', text: 'Large' }, value: 'l' },
    });
    expect(values.email.value).toEqual({ type: 'email_text_input', value: null });
    expect(values.password.value).toEqual({ type: 'plain_text_input', value: 'longenough1' });
    expect(submissions[1]!.view.callback_id).toBe('protocol.form');
    expect(submissions[1]!.view.private_metadata).toBe(DEMO_CHANNELS.ops);
  });

  it('after an error, /all asks every field again and - clears an optional one', async () => {
    const out = await session(['/dart form', 'bad', '2', 'a@example.com', 'longenough1', '/all', 'Bill', '', '-', '', 'exit']);
    expect(out).toContain(
      '(Answer the fields in error again: - clears a field, /all asks every field, /close or /cancel closes the form.)',
    );
    expect(out).toContain('  Name [bad]: /all\n');
    expect(out).toContain('  Email (optional) [a@example.com]: -\n');
    const values = payloadsOf('view_submission')[1]!.view.state.values;
    expect(values.name.value).toEqual({ type: 'plain_text_input', value: 'Bill' });
    expect(values.email.value).toEqual({ type: 'email_text_input', value: null });
    expect(values.password.value).toEqual({ type: 'plain_text_input', value: 'longenough1' });
  });

  it('a required field cannot be cleared; /cancel closes the form too', async () => {
    const out = await session(['/dart form', '-', '/cancel', 'exit']);
    expect(out).toContain('  ! Name is required; it cannot be cleared.');
    expect(out).toContain('/cancel\n  (closed)');
    expect(payloadsOf('view_submission')).toHaveLength(0);
  });

  it('a script missing an answer line fails, naming the line, instead of swallowing the next command', async () => {
    const { printed, status } = await scripted(['/dart form', 'Bill', '/dart whisper', 'exit']);
    expect(status).toBe(1);
    expect(printed).toContain(
      '! Script error: line 3 (“/dart whisper”) came where the form “Edit thing” expected “Size”: an answer line is missing before it.',
    );
    expect(payloadsOf('view_submission')).toHaveLength(0);
  });

  it('a script that ends in the middle of a form fails, naming where', async () => {
    const { printed, status } = await scripted(['/dart form', 'Bill']);
    expect(status).toBe(1);
    expect(printed).toContain(
      '! Script error: the script ended after line 2, in the form “Edit thing” at “Size”: an answer line is missing.',
    );
  });

  it('closes a modal on /close without submitting it', async () => {
    const out = await session(['/dart form', '/close', 'exit']);
    expect(out).toContain('  Name [Billy]: /close\n  (closed)');
    expect(payloadsOf('view_submission')).toHaveLength(0);
  });

  it('submits a modal with nothing to fill on Enter, follows response_action update, then shows the later views.update', async () => {
    const out = await session(['/dart confirm', '', 'exit']);
    expect(out).toContain('[modal] Send money\n  Send 50.00 USDC to billyjoel?');
    expect(out).toContain('Enter submits “Send”');
    expect(out).toContain('[modal] Send money\n  Sending…\n  [Close]');
    expect(out).toContain('[modal] Send money (updated)\n  Sent 50.00 USDC.');
    expect(payloadsOf('view_submission')).toHaveLength(1);
  });
});

describe('messages and buttons', () => {
  it('shows a channel post under its channel with numbered buttons; pressing sends the message as Slack does and shows the edit', async () => {
    const out = await session(['/dart form', 'Bill', '', '', 'longenough1', 'as theo', '1', 'exit']);
    expect(out).toContain('#ops · DART\n  @ana saved Bill (size s) in #alerts\n  [1] Approve  [2] Reject');
    expect(out).toContain('theo pressed [1] Approve');
    expect(out).toContain('#ops · DART · (edited)\n  Approved by @theo');

    const [press] = payloadsOf('block_actions');
    const posted = slack.callsTo('chat.postMessage').at(-1)!;
    expect(press!.user.id).toBe('U0TREASU02');
    expect(press!.channel.id).toBe(DEMO_CHANNELS.ops);
    expect(press!.container).toMatchObject({
      type: 'message',
      channel_id: DEMO_CHANNELS.ops,
      is_ephemeral: false,
      message_ts: posted.result?.ts,
    });
    expect(press!.message.ts).toBe(posted.result?.ts);
    expect(press!.message.blocks).toEqual(posted.args.blocks);
    expect(press!.actions[0]).toMatchObject({ action_id: 'protocol.approve', block_id: 'decide', value: 'thing-1' });
  });

  it('replaces a channel message answered through response_url, and refuses the numbers it no longer shows', async () => {
    const out = await session(['/dart form', 'Bill', '', '', 'longenough1', 'press 2', '1', 'exit']);
    expect(out).toContain('ana pressed [2] Reject');
    expect(out).toContain('#ops · DART · (edited)\n  Rejected, buttons gone');
    expect(out).toContain('No button [1] is on screen');
  });

  it('shows chat.postEphemeral as only visible to you, and its buttons replace it', async () => {
    const out = await session(['/dart whisper', '1', 'exit']);
    expect(out).toContain('#ops · DART · only visible to you\n  Only you see this\n  [1] Hush');
    expect(out).toContain('#ops · DART · only visible to you · (edited)\n  Hushed');
    const [press] = payloadsOf('block_actions');
    expect(press!.container).toMatchObject({ is_ephemeral: true, channel_id: DEMO_CHANNELS.ops });
    expect(press!.message).toBeUndefined();
  });

  it('shows a channel again with fresh numbers', async () => {
    const out = await session(['/dart form', 'Bill', '', '', 'longenough1', 'channel #ops', 'channel alerts', 'exit']);
    expect(out).toContain('[1] Approve  [2] Reject');
    expect(out).toContain('[3] Approve  [4] Reject');
    expect(out).toContain('Nothing has been posted in #alerts yet.');
  });
});
