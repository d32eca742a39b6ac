/**
 * A small Bolt app, for the console's tests only, that uses every Slack surface the
 * console must handle and that the real app does not use yet on this branch: modals
 * opened in a loading state then filled by views.update, inline errors, confirmation
 * modals answered with response_action update and later views.update, channel posts
 * with buttons, chat.update, response_url replacing a channel message, chat.postEphemeral.
 * It is a second Slack app talking to the same stand-in, not a mock of dart-slack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { SlackStandin } from '../../src/sandbox/slack/standin.ts';

export const PROTOCOL_APP = { botToken: 'xoxb-protocol-app-0001', signingSecret: 'protocol-signing-secret-0123' } as const;

/** Payloads the app received, for assertions on what the console sent. */
export interface ProtocolApp {
  url: string;
  payloads: Record<string, unknown>[];
  stop(): Promise<void>;
}

const input = (block_id: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id,
  label: { type: 'plain_text', text: label },
  element: { action_id: 'value', ...element },
  ...extra,
});

const option = (text: string, value: string) => ({ text: { type: 'plain_text', text }, value });

export async function startProtocolApp(standin: SlackStandin): Promise<ProtocolApp> {
  const payloads: Record<string, unknown>[] = [];
  const receiver = new HTTPReceiver({ signingSecret: PROTOCOL_APP.signingSecret, endpoints: '/slack/events' });
  const app = new App({
    token: PROTOCOL_APP.botToken,
    botId: 'B0BOT0001',
    botUserId: 'U0BOT0001',
    receiver,
    clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
  });
  app.use(async ({ body, next }) => {
    payloads.push(body as Record<string, unknown>);
    await next();
  });

  app.command('/dart', async ({ command, ack, client, respond }) => {
    const [word] = command.text.split(' ');
    if (word === 'form') {
      await ack();
      // Like edit: open at once in a loading state, then fill it.
      const form = (blocks: unknown[], submit?: string) => ({
        type: 'modal' as const,
        callback_id: 'protocol.form',
        private_metadata: command.channel_id,
        title: { type: 'plain_text' as const, text: 'Edit thing' },
        close: { type: 'plain_text' as const, text: 'Cancel' },
        ...(submit ? { submit: { type: 'plain_text' as const, text: submit } } : {}),
        blocks: blocks as never[],
      });
      const opened = await client.views.open({
        trigger_id: command.trigger_id,
        view: form([{ type: 'section', text: { type: 'mrkdwn', text: 'Loading…' } }]),
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await client.views.update({
        view_id: opened.view?.id ?? '',
        view: form(
          [
            { type: 'section', text: { type: 'mrkdwn', text: '*Fill this in*' } },
            input('name', 'Name', { type: 'plain_text_input', initial_value: 'Billy' }),
            input('size', 'Size', {
              type: 'static_select',
              options: [option('Small', 's'), option('Large', 'l')],
              initial_option: option('Small', 's'),
            }),
            input(
              'email',
              'Email',
              { type: 'email_text_input' },
              { optional: true, hint: { type: 'plain_text', text: 'We never write to it.' } },
            ),
            input('password', 'Password', { type: 'plain_text_input', min_length: 8 }),
          ],
          'Save',
        ),
      });
      return;
    }
    if (word === 'confirm') {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'protocol.confirm',
          title: { type: 'plain_text', text: 'Send money' },
          submit: { type: 'plain_text', text: 'Send' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Send *50.00 USDC* to `billyjoel`?' } }],
        },
      });
      return;
    }
    if (word === 'whisper') {
      await ack();
      await client.chat.postEphemeral({
        channel: command.channel_id,
        user: command.user_id,
        text: 'psst',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Only you see this' } },
          {
            type: 'actions',
            block_id: 'whisper',
            elements: [{ type: 'button', action_id: 'protocol.whisper', value: 'w', text: { type: 'plain_text', text: 'Hush' } }],
          },
        ],
      });
      return;
    }
    await ack();
    await respond({ text: `unknown ${command.text}` });
  });

  app.view('protocol.form', async ({ ack, view, body, client }) => {
    const values = view.state.values;
    const name = values.name?.value?.value ?? '';
    if (name === 'bad') {
      await ack({ response_action: 'errors', errors: { name: 'Name must not be bad.' } });
      return;
    }
    await ack();
    const size = values.size?.value?.selected_option?.value ?? '?';
    await client.chat.postMessage({
      channel: view.private_metadata,
      text: `Saved ${name}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `<@${body.user.id}> saved *${name}* (size ${size}) in <#C0ALERTS01>` } },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'protocol.approve',
              value: 'thing-1',
              style: 'primary',
              text: { type: 'plain_text', text: 'Approve' },
            },
            {
              type: 'button',
              action_id: 'protocol.reject',
              value: 'thing-1',
              style: 'danger',
              text: { type: 'plain_text', text: 'Reject' },
            },
          ],
        },
      ],
    });
  });

  app.view('protocol.confirm', async ({ ack, view, client }) => {
    await ack({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Send money' },
        close: { type: 'plain_text', text: 'Close' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Sending…' } }],
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.views.update({
      view_id: view.id,
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Send money' },
        close: { type: 'plain_text', text: 'Close' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Sent *50.00 USDC*.' } }],
      },
    });
  });

  app.action('protocol.approve', async ({ ack, body, client }) => {
    await ack();
    const message = (body as { message?: { ts: string }; channel?: { id: string } }).message;
    await client.chat.update({
      channel: (body as { channel?: { id: string } }).channel?.id ?? '',
      ts: message?.ts ?? '',
      text: 'Approved',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Approved by <@${body.user.id}>` } }],
    });
  });

  app.action('protocol.reject', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'Rejected, buttons gone' });
  });

  app.action('protocol.whisper', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'Hushed' });
  });

  const server: Server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    payloads,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
