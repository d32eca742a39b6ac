import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { DeliveryOptions } from '../../src/alerts/delivery.ts';
import type { WebhookName } from '../../src/alerts/schemas.ts';
import type { PostedMessage, SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { startStandins, type Standins } from '../../src/sandbox/standins.ts';
import { CHANNELS, SECRETS } from './harness.ts';

/** A short backoff so outage tests finish quickly; pacing per channel stays Slack's real second. */
export const FAST_RETRIES: DeliveryOptions = { minBackoffMs: 50, maxBackoffMs: 500, pollMs: 200 };

/** The page's five example bodies, under test/fixtures/webhooks. */
export const FIXTURES = ['activate', 'update', 'deactivate', 'withdrawal', 'exit'] as const;
export type FixtureName = (typeof FIXTURES)[number];

/** Where DART sends each example (withdrawal and exit share one path). */
export const FIXTURE_PATHS: Record<FixtureName, string> = {
  activate: '/webhook/customer-activate',
  update: '/webhook/customer-update',
  deactivate: '/webhook/customer-deactivate',
  withdrawal: '/webhook/trade-script-withdrawal',
  exit: '/webhook/trade-script-withdrawal',
};

/** The webhook (last path segment) a fixture is sent to. */
export function fixtureWebhook(name: FixtureName): WebhookName {
  return FIXTURE_PATHS[name].slice('/webhook/'.length) as WebhookName;
}

export function fixture(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** A withdrawal body for `user` (distinct users make each event easy to find in Slack). */
export function withdrawalBody(user: string, amount = '50.00'): Record<string, unknown> {
  return { ...fixture('withdrawal'), old_dart_user_name: user, new_dart_user_name: user, amount };
}

export interface PostOptions {
  /** `Bearer` (default), `basic`, or `none` for no Authorization header. */
  auth?: 'bearer' | 'basic' | 'none';
  secret?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** POSTs a body (an object is sent as JSON, a string as it is) the way DART would. */
export async function postWebhook(appUrl: string, path: string, body: unknown, options: PostOptions = {}) {
  const { auth = 'bearer', secret = SECRETS.webhookSecret, contentType = 'application/json' } = options;
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (auth === 'bearer') headers.authorization = `Bearer ${secret}`;
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`dart:${secret}`).toString('base64')}`;
  const response = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** `/healthz` as JSON. */
export async function health(appUrl: string): Promise<{
  status: number;
  body: {
    status: string;
    database: string;
    outbox: { depth: number; oldestAgeSeconds: number; dead: number };
    dart: { status: string; detail?: string };
  };
}> {
  const response = await fetch(`${appUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as never };
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every mrkdwn string of a message's blocks (what Slack parses for mentions and links). */
export function blockMrkdwn(message: Pick<PostedMessage, 'blocks'>): string[] {
  const found: string[] = [];
  JSON.stringify(message.blocks ?? [], (_key, value: unknown) => {
    const object = value as { type?: string; text?: unknown };
    if (object && object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
    return value;
  });
  return found;
}

/**
 * How the users in `users` appear in a channel, in order: one entry per event shown
 * (single alert or digest line). Alerts show a user name once, as inline code.
 */
export function shownUsers(slack: SlackStandin, channel: string, users: readonly string[]): string[] {
  const shown: string[] = [];
  for (const message of slack.messages(channel)) {
    const text = blockMrkdwn(message).join('\n');
    const found = users
      .flatMap((user) => [...text.matchAll(new RegExp(`\`${user}\``, 'g'))].map((match) => ({ user, at: match.index })))
      .sort((a, b) => a.at - b.at);
    shown.push(...found.map((entry) => entry.user));
  }
  return shown;
}

/** `count` distinct user names such as burst01, burst02… */
export function userNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(2, '0')}`);
}

/** Stand-ins shared by several app runs (restarts, instances), each on its own database file. */
export function startRelayStandins(): Promise<Standins> {
  return startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-relay-' });
}

/** Posts one withdrawal per user, in order (spread over several app URLs in turn), each answered 200. */
export async function postWithdrawals(appUrls: string | readonly string[], users: readonly string[]): Promise<void> {
  const urls = typeof appUrls === 'string' ? [appUrls] : appUrls;
  for (const [index, user] of users.entries()) {
    const sent = await postWebhook(urls[index % urls.length]!, FIXTURE_PATHS.withdrawal, withdrawalBody(user));
    expect(sent.status).toBe(200);
  }
}

/** Waits until every user's event is shown in `channel` (the alert channel by default), then checks each is shown exactly once, in order. */
export async function expectShownOnceInOrder(
  slack: SlackStandin,
  users: readonly string[],
  timeoutMs = 10_000,
  channel: string = CHANNELS.alerts,
): Promise<void> {
  await waitUntil(
    `all ${users.length} alerts in ${channel}`,
    () => new Set(shownUsers(slack, channel, users)).size === users.length,
    timeoutMs,
  );
  expect(shownUsers(slack, channel, users)).toEqual(users);
}
