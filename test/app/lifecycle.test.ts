import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.ts';
import { loadConfig } from '../../src/config/load.ts';
import { SlackTokenRefusedError } from '../../src/slack/identity.ts';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { createDartSandbox } from '../../src/sandbox/dart/server.ts';
import { createLogger } from '../../src/util/logger.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { startChildApp } from '../support/child-app.ts';
import { baseEnvironment, SECRETS } from '../support/harness.ts';
import { startNode, stopChildren } from '../support/processes.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
  await stopChildren();
});

async function slackStandin(): Promise<SlackStandin> {
  const slack = createSlackStandin({ botToken: SECRETS.botToken });
  await slack.start();
  cleanup.push(() => slack.stop());
  return slack;
}

function configFor(slack: SlackStandin, env: Record<string, string> = {}) {
  return loadConfig({ ...baseEnvironment(), SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent', ...env });
}

async function health(url: string) {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('start-up', () => {
  it('waits out a Slack outage: health says 503 until Slack answers, then 200', async () => {
    const slack = await slackStandin();
    slack.setDown(true);
    const { logger, logs } = capturedLogger();
    const app = await startApp(configFor(slack), { host: '127.0.0.1', logger });
    cleanup.push(() => app.stop());
    expect(await health(app.url)).toMatchObject({ status: 503, body: { status: 'starting' } });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await health(app.url)).status).toBe(503);
    // The log says where the app is knocking and when it will knock again.
    expect(logs.join('')).toContain(`"msg":"Slack is not reachable yet at ${slack.apiUrl}auth.test (attempt 1); retrying in 0.5 s"`);
    slack.setDown(false);
    await app.ready;
    expect(await health(app.url)).toMatchObject({ status: 200, body: { status: 'ready', mode: 'http' } });
  });

  it('stops with a message naming SLACK_BOT_TOKEN when Slack refuses the token', async () => {
    const slack = await slackStandin();
    const app = await startApp(configFor(slack, { SLACK_BOT_TOKEN: 'xoxb-wrong-token' }), {
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    cleanup.push(() => app.stop());
    await expect(app.ready).rejects.toBeInstanceOf(SlackTokenRefusedError);
    await expect(app.ready).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
  });
});

/** On a fresh clone `npm start` compiles first: tens of seconds on a busy 2-core machine. */
const COMPILE_AND_START_MS = 120_000;

describe('npm start as a process', () => {
  it('serves /healthz, answers a signed /dart balance, and exits 0 on SIGTERM', { timeout: COMPILE_AND_START_MS + 30_000 }, async () => {
    const slack = await slackStandin();
    const dart = createDartSandbox({ token: SECRETS.dartToken });
    await dart.start();
    cleanup.push(() => dart.stop());
    // package.json's start script itself (its Node options included), compiling dist/ first when it is stale.
    const app = await startChildApp(
      { SLACK_API_URL: slack.apiUrl, DART_API_URL: dart.url },
      {
        readyPath: '/healthz',
        npmStart: true,
        readyWithinMs: COMPILE_AND_START_MS,
      },
    );
    const url = app.url;
    const { SlackRequests } = await import('../../src/sandbox/slack/requests.ts');
    const requests = new SlackRequests({ appUrl: `${url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: slack });
    const sent = await requests.slashCommand({ id: 'U0VIEWER01', name: 'vera' }, 'balance billyjoel');
    expect(sent.status).toBe(200);
    const answer = await slack.waitForResponse((response) => response.id === sent.responseId);
    expect(JSON.stringify(answer.body)).toContain('980.04');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    for (const secret of Object.values(SECRETS)) expect(app.output).not.toContain(secret);
  });

  it('exits 78 (EX_CONFIG), naming SLACK_BOT_TOKEN, when Slack refuses the token', async () => {
    const slack = await slackStandin();
    const run = startNode('src/main.ts', { ...baseEnvironment(), SLACK_BOT_TOKEN: 'xoxb-wrong-token', SLACK_API_URL: slack.apiUrl });
    expect(await run.exited).toBe(78);
    expect(run.output).toContain('dart-slack cannot start: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth)');
  });
});

describe('Socket Mode', () => {
  it('is chosen by SLACK_APP_TOKEN and opens its connection through SLACK_API_URL', async () => {
    const slack = await slackStandin();
    // Refusing the app token ends the start, after the call was made (test/front-door/socket-mode.test.ts connects).
    slack.override('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
    const { SLACK_SIGNING_SECRET: _unused, ...env } = baseEnvironment();
    const config = loadConfig({ ...env, SLACK_API_URL: slack.apiUrl, SLACK_APP_TOKEN: 'xapp-1-A0DEMO-test' });
    const app = await startApp(config, { host: '127.0.0.1', logger: createLogger('silent') });
    cleanup.push(() => app.stop());
    await app.ready.catch(() => {});
    const call = await slack.waitForCall('apps.connections.open');
    expect(call.token).toBe('xapp-1-A0DEMO-test');
    expect((await health(app.url)).body.mode).toBe('socket');
  });
});
