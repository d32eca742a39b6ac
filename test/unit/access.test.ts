import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { AccessControl } from '../../src/slack/access.ts';
import { createLogger } from '../../src/util/logger.ts';

let slack: SlackStandin;
beforeAll(async () => {
  slack = createSlackStandin();
  await slack.start();
});
afterAll(() => slack.stop());

describe('AccessControl and user groups', () => {
  it('answers from the cached list past its time while a fresh one loads, then follows the fresh one', async () => {
    slack.setUserGroups({ S0GROUP001: ['U0FIRST01'] });
    let clock = 0;
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const access = new AccessControl(
      { viewers: [], operators: ['S0GROUP001'], treasurers: [], groupTtlMs: 1000, now: () => clock },
      client,
      createLogger('silent'),
    );
    expect(await access.allows('U0FIRST01', 'operator')).toBe(true);
    const calls = () => slack.callsTo('usergroups.users.list').length;
    const before = calls();

    slack.setUserGroups({ S0GROUP001: ['U0SECOND1'] });
    clock = 5000;
    // Past its time: answered from the old list at once, and one refresh is started.
    expect(await access.allows('U0FIRST01', 'operator')).toBe(true);
    expect(await access.allows('U0SECOND1', 'operator')).toBe(false);
    await slack.waitForCall('usergroups.users.list', () => calls() > before);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls()).toBe(before + 1);
    expect(await access.allows('U0FIRST01', 'operator')).toBe(false);
    expect(await access.allows('U0SECOND1', 'operator')).toBe(true);
  });

  it('a write role implies read, and * lets everyone read', async () => {
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const access = new AccessControl(
      { viewers: [], operators: ['U0OPERAT01'], treasurers: ['U0TREASU01'] },
      client,
      createLogger('silent'),
    );
    expect(await access.allows('U0OPERAT01', 'viewer')).toBe(true);
    expect(await access.allows('U0TREASU01', 'viewer')).toBe(true);
    expect(await access.allows('U0TREASU01', 'operator')).toBe(false);
    expect(await access.allows('U0STRANG01', 'viewer')).toBe(false);
    const open = new AccessControl({ viewers: ['*'], operators: [], treasurers: [] }, client, createLogger('silent'));
    expect(await open.allows('U0STRANG01', 'viewer')).toBe(true);
    expect(await open.allows('U0STRANG01', 'operator')).toBe(false);
  });

  it('a group entry grants its members, never a caller whose id is the group itself', async () => {
    slack.setUserGroups({ S0GROUP002: ['U0MEMBER1'] });
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const access = new AccessControl({ viewers: [], operators: [], treasurers: ['S0GROUP002'] }, client, createLogger('silent'));
    expect(await access.allows('U0MEMBER1', 'treasurer')).toBe(true);
    expect(await access.allows('S0GROUP002', 'treasurer')).toBe(false);
  });
});
