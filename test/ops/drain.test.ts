import { afterEach, describe, expect, it } from 'vitest';
import { createDartSandbox } from '../../src/sandbox/dart/server.ts';
import { SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin } from '../../src/sandbox/slack/standin.ts';
import { startChildApp } from '../support/child-app.ts';
import { SECRETS, USERS } from '../support/harness.ts';
import { stopChildren } from '../support/processes.ts';
import { waitUntil } from '../support/webhooks.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await stopChildren();
  while (cleanup.length > 0) await cleanup.pop()?.();
});

describe('SIGTERM drains the app', () => {
  it('readyz 503 at once, a new command told to retry, a button refused, the command in flight answered, then exit 0', async () => {
    const slack = createSlackStandin({ botToken: SECRETS.botToken });
    const dart = createDartSandbox({ token: SECRETS.dartToken });
    await slack.start();
    await dart.start();
    cleanup.push(
      () => slack.stop(),
      () => dart.stop(),
    );
    const app = await startChildApp({ SLACK_API_URL: slack.apiUrl, DART_API_URL: dart.url, DART_TIMEOUT_MS: '10000' });
    const requests = new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: slack });
    const readyz = () => fetch(`${app.url}/readyz`).then((response) => response.status);
    expect(await readyz()).toBe(200);

    // A command whose DART call is under way when SIGTERM arrives.
    dart.setLatency(1500);
    const inFlight = await requests.slashCommand(USERS.viewer, 'balance billyjoel');
    expect(inFlight.status).toBe(200);
    await waitUntil('DART has the call', () => dart.callsTo('customer/usdc-balance').length === 1);
    app.child.kill('SIGTERM');

    await waitUntil('readyz 503', async () => (await readyz()) === 503);
    const late = await requests.slashCommand(USERS.viewer, 'balance billyjoel');
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('restarting') });
    const button = await requests.blockAction(USERS.viewer, { action_id: 'transfer.confirm', value: 'any' });
    expect(button.status).toBe(503);

    expect(await app.exited).toBe(0);
    // The command in flight finished: its answer reached Slack; the late one never reached DART.
    const answers = slack.responses.filter((response) => response.id === inFlight.responseId);
    expect(JSON.stringify(answers.at(-1)?.body)).toContain('980.04');
    expect(dart.callsTo('customer/usdc-balance')).toHaveLength(1);
    expect(app.output).toMatch(/"drainMs":\d+/);
  });
});
