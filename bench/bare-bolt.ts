/**
 * The baseline the app is held against: a bare Bolt app (App + HTTPReceiver) whose `/dart`
 * handler acks and, when given DART, then does what the app does for `/dart balance <user>`:
 * the same DART request (plain fetch) and a reply through response_url. With a `/healthz` route. Started in the benchmark's process by
 * `startBareBolt`, or on its own (`node bench/bare-bolt.ts`, from the environment:
 * SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT, and DART_API_URL with
 * DART_API_TOKEN for the lookups) to measure its footprint.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';

/** Where the bare app talks to Slack and how it checks Slack's signatures. */
export interface BareBoltOptions {
  botToken: string;
  signingSecret: string;
  slackApiUrl: string;
  port: number;
  host?: string;
  /** When set, each command's DART lookup and reply follow its ack, as in the app. */
  dart?: { url: string; token: string };
}

/** A started bare Bolt app. */
export interface BareBolt {
  /** e.g. `http://127.0.0.1:PORT` */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the bare app. Like the app, it confirms its bot token with `auth.test` before it
 * listens, so start-up times compare like with like.
 */
export async function startBareBolt(options: BareBoltOptions): Promise<BareBolt> {
  const clientOptions = { slackApiUrl: options.slackApiUrl };
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"status":"ready"}');
        },
      },
    ],
  });
  const identity = await new WebClient(options.botToken, clientOptions).auth.test();
  const app = new App({
    token: options.botToken,
    botId: identity.bot_id,
    botUserId: identity.user_id,
    receiver,
    clientOptions,
    logLevel: LogLevel.WARN,
  });
  const { dart } = options;
  app.command('/dart', async ({ ack, command, respond }) => {
    await ack();
    if (!dart) return;
    const user = command.text.split(' ')[1] ?? '';
    const response = await fetch(`${dart.url}customer/usdc-balance?dart_user_name=${encodeURIComponent(user)}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${dart.token}` },
    });
    await respond({ response_type: 'ephemeral', text: `Balance: ${await response.text()}` });
  });
  const server = (await receiver.start({ port: options.port, host: options.host ?? '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    stop: () => receiver.stop(),
  };
}

if (import.meta.main) {
  const env = process.env;
  const bare = await startBareBolt({
    botToken: env.SLACK_BOT_TOKEN ?? '',
    signingSecret: env.SLACK_SIGNING_SECRET ?? '',
    slackApiUrl: env.SLACK_API_URL ?? '',
    port: Number(env.PORT ?? 0),
    host: '0.0.0.0',
    ...(env.DART_API_URL ? { dart: { url: env.DART_API_URL, token: env.DART_API_TOKEN ?? '' } } : {}),
  });
  process.once('SIGTERM', () => {
    bare.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
