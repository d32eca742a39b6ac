import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { ROOT, startNode, stopChildren } from '../support/processes.ts';

const minimal = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret-123',
  DART_API_TOKEN: '2|abc',
  DART_ALERT_CHANNEL: 'C0123ABC',
  WEBHOOK_SECRET: 'a-long-webhook-secret',
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.DART_API_URL).toBe('https://api.dart.cash/api/');
    expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
    expect(config.DART_VIEWERS).toEqual(['*']);
    expect(config.DART_OPERATORS).toEqual([]);
    expect(config.TRANSFER_CONFIRM_MINUTES).toBe(10);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.WEBHOOK_PATH_PREFIX).toBe('');
  });

  it('reads lists, amounts and URLs', () => {
    const config = loadConfig({
      ...minimal,
      DART_OPERATORS: 'U111AAA, S222BBB',
      TRANSFER_MAX_AMOUNT: '25,000',
      TRANSFER_APPROVAL_THRESHOLD: '999.99',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(config.DART_OPERATORS).toEqual(['U111AAA', 'S222BBB']);
    expect(config.TRANSFER_MAX_AMOUNT).toBe(2_500_000n);
    expect(config.TRANSFER_APPROVAL_THRESHOLD).toBe(99_999n);
    expect(config.SLACK_API_URL).toBe('http://127.0.0.1:9/api/');
  });

  it('names every missing required variable, one line each', () => {
    const text = problems({});
    for (const name of ['SLACK_BOT_TOKEN', 'DART_API_TOKEN', 'DART_ALERT_CHANNEL', 'SLACK_SIGNING_SECRET', 'WEBHOOK_SECRET']) {
      expect(text).toMatch(new RegExp(`^${name}: `, 'm'));
    }
  });

  it('does not need a signing secret in Socket Mode, nor a webhook secret with WEBHOOK_AUTH=none', () => {
    const { SLACK_SIGNING_SECRET: _s, WEBHOOK_SECRET: _w, ...rest } = minimal;
    expect(problems({ ...rest, SLACK_APP_TOKEN: 'xapp-1-abc', WEBHOOK_AUTH: 'none' })).toBe('');
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token'],
    ['SLACK_APP_TOKEN', 'xoxb-not-app'],
    ['DART_API_URL', 'ftp://dart'],
    ['PORT', 'eighty'],
    ['DART_ALERT_CHANNEL', '#alerts'],
    ['DART_TREASURERS', 'alice,bob'],
    ['TRANSFER_MAX_AMOUNT', '1e6'],
    ['TRANSFER_CONFIRM_MINUTES', '0'],
    ['TRANSFER_SECOND_APPROVAL_THRESHOLD', '5k'],
    ['TRANSFER_DAILY_LIMIT', '-100'],
    ['TRANSFER_DAILY_TOTAL_LIMIT', 'lots'],
    ['TRANSFER_DAILY_LIMIT', '12.345'],
    ['WEBHOOK_PATH_PREFIX', 'dart/'],
    ['WEBHOOK_PATH_PREFIX', '/..'],
    ['WEBHOOK_PATH_PREFIX', '/dart/./x'],
    ['WEBHOOK_AUTH', 'off'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses a malformed %s and names it, without echoing the value', (name, value) => {
    const text = problems({ ...minimal, [name]: value });
    expect(text).toMatch(new RegExp(`^${name}: `, 'm'));
    expect(text).not.toContain(value);
  });

  it.each([
    ['WEBHOOK_SECRET', 'a-long-webhook secret-with-a-space'],
    ['WEBHOOK_SECRET', 'a-long-webhook-secret-with-a-tab\tx'],
    ['WEBHOOK_SECRET_PREVIOUS', 'previous-webhook-secret\u00a0nbsp'],
  ])('refuses a %s with whitespace (it could never match as a Bearer token), without echoing it', (name, value) => {
    const text = problems({ ...minimal, [name]: value });
    expect(text).toMatch(new RegExp(`^${name}: .*whitespace`, 'm'));
    expect(text).not.toContain(value);
  });

  it('accepts the previous secrets beside the current ones, and refuses a previous one alone', () => {
    const config = loadConfig({
      ...minimal,
      SLACK_SIGNING_SECRET_PREVIOUS: 'old-signing-secret',
      WEBHOOK_SECRET_PREVIOUS: 'an-older-webhook-secret',
    });
    expect(config.SLACK_SIGNING_SECRET_PREVIOUS).toBe('old-signing-secret');
    expect(config.WEBHOOK_SECRET_PREVIOUS).toBe('an-older-webhook-secret');
    const { SLACK_SIGNING_SECRET: _s, WEBHOOK_SECRET: _w, ...rest } = minimal;
    const text = problems({
      ...rest,
      SLACK_APP_TOKEN: 'xapp-1-abc',
      SLACK_SIGNING_SECRET_PREVIOUS: 'old-signing-secret',
      WEBHOOK_SECRET_PREVIOUS: 'an-older-webhook-secret',
    });
    expect(text).toMatch(/^SLACK_SIGNING_SECRET_PREVIOUS: /m);
    expect(text).toMatch(/^WEBHOOK_SECRET_PREVIOUS: /m);
  });

  it.each([
    'TRANSFER_MAX_AMOUNT',
    'TRANSFER_APPROVAL_THRESHOLD',
    'TRANSFER_SECOND_APPROVAL_THRESHOLD',
    'TRANSFER_DAILY_LIMIT',
    'TRANSFER_DAILY_TOTAL_LIMIT',
  ])('refuses %s above 1,000,000,000,000.00 in a line naming it, and accepts exactly that', (name) => {
    const largest = { TRANSFER_MAX_AMOUNT: '1000000000000', TRANSFER_APPROVAL_THRESHOLD: '1000000000000' };
    expect(problems({ ...minimal, ...largest, [name]: '1000000000000' })).toBe('');
    expect(problems({ ...minimal, ...largest, [name]: '1000000000000.01' }).split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${name}: must be at most`)),
    ]);
  });

  it('refuses a threshold above the maximum', () => {
    expect(problems({ ...minimal, TRANSFER_MAX_AMOUNT: '100', TRANSFER_APPROVAL_THRESHOLD: '200' })).toContain(
      'TRANSFER_APPROVAL_THRESHOLD',
    );
  });

  it('reads the treasury controls as amounts, absent when unset', () => {
    expect(loadConfig(minimal)).not.toHaveProperty('TRANSFER_DAILY_LIMIT');
    const config = loadConfig({
      ...minimal,
      TRANSFER_SECOND_APPROVAL_THRESHOLD: '5,000',
      TRANSFER_DAILY_LIMIT: '2500.50',
      TRANSFER_DAILY_TOTAL_LIMIT: '20000',
    });
    expect([config.TRANSFER_SECOND_APPROVAL_THRESHOLD, config.TRANSFER_DAILY_LIMIT, config.TRANSFER_DAILY_TOTAL_LIMIT]).toEqual([
      500_000n,
      250_050n,
      2_000_000n,
    ]);
  });

  it('refuses a second-approval threshold below the approval threshold', () => {
    expect(problems({ ...minimal, TRANSFER_APPROVAL_THRESHOLD: '1000', TRANSFER_SECOND_APPROVAL_THRESHOLD: '500' })).toMatch(
      /^TRANSFER_SECOND_APPROVAL_THRESHOLD: must not be below TRANSFER_APPROVAL_THRESHOLD$/m,
    );
  });

  it('refuses a placeholder from .env.example in one line naming the variable', () => {
    const text = problems({
      ...minimal,
      DART_API_TOKEN: 'replace-with-dart-token',
      SLACK_BOT_TOKEN: 'xoxb-0000000000-0000000000000-replace-me',
    });
    expect(text.split('\n')).toEqual([
      'SLACK_BOT_TOKEN: still holds the placeholder from .env.example; put the real value',
      'DART_API_TOKEN: still holds the placeholder from .env.example; put the real value',
    ]);
  });

  it('selects PostgreSQL with DATABASE_URL (postgres:// or postgresql://), with a bounded pool', () => {
    expect(loadConfig({ ...minimal, DATABASE_URL: 'postgres://app:pw@db:5432/dart' })).toMatchObject({
      DATABASE_URL: 'postgres://app:pw@db:5432/dart',
      DATABASE_POOL_MAX: 10,
    });
    expect(loadConfig({ ...minimal, DATABASE_URL: 'postgresql://app:pw@db/dart', DATABASE_POOL_MAX: '4' }).DATABASE_POOL_MAX).toBe(4);
  });

  it('refuses DATABASE_URL beside DATABASE_PATH in one line naming both, and a URL that is not PostgreSQL without echoing it', () => {
    const url = 'postgres://app:s3cret-pw@db:5432/dart';
    const both = problems({ ...minimal, DATABASE_URL: url, DATABASE_PATH: '/data/dart-slack.db' });
    expect(both.split('\n')).toEqual([expect.stringMatching(/^DATABASE_URL and DATABASE_PATH: set one, not both/)]);
    expect(both).not.toContain('s3cret-pw');
    const wrong = problems({ ...minimal, DATABASE_URL: 'mysql://app:s3cret-pw@db/dart' });
    expect(wrong).toMatch(/^DATABASE_URL: expected postgres:\/\//m);
    expect(wrong).not.toContain('s3cret-pw');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ ...minimal, DART_WITHDRAWAL_CHANNEL: '', PORT: '  ' }).PORT).toBe(3000);
  });
});

describe('npm start with a bad environment', () => {
  afterEach(stopChildren);

  it('exits 78 (EX_CONFIG) with one line naming a missing variable, and no stack trace', async () => {
    const { SLACK_SIGNING_SECRET: _omitted, ...env } = minimal;
    const run = startNode('src/main.ts', env);
    expect(await run.exited).toBe(78);
    expect(run.output).toMatch(/^SLACK_SIGNING_SECRET: .*required/m);
    expect(run.output).not.toMatch(/\n\s+at /);
  });

  it('refuses .env.example copied as .env, naming each placeholder, and exits 78', async () => {
    const run = startNode('src/main.ts', {}, { prepare: (cwd) => copyFileSync(join(ROOT, '.env.example'), join(cwd, '.env')) });
    expect(await run.exited).toBe(78);
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'DART_API_TOKEN',
      'WEBHOOK_SECRET',
      'DART_ALERT_CHANNEL',
      'DART_OPERATORS',
      'DART_TREASURERS',
    ]) {
      expect(run.output).toMatch(new RegExp(`^${name}: still holds the placeholder from .env.example`, 'm'));
    }
    expect(run.output).not.toContain('replace-me');
  });

  it('with both DATABASE_URL and DATABASE_PATH: exit 78, one line naming both, never the password', async () => {
    const run = startNode('src/main.ts', { ...minimal, DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/dart', DATABASE_PATH: 'x.db' });
    expect(await run.exited).toBe(78);
    expect(run.output).toMatch(/^DATABASE_URL and DATABASE_PATH: set one, not both/m);
    expect(run.output).not.toContain('s3cret-pw');
  });

  it('with a WEBHOOK_SECRET containing a space: exit 78, one line naming it, never its value', async () => {
    const secret = 'correct horse battery staple';
    const run = startNode('src/main.ts', { ...minimal, WEBHOOK_SECRET: secret });
    expect(await run.exited).toBe(78);
    expect(run.output).toMatch(/^WEBHOOK_SECRET: .*whitespace/m);
    expect(run.output).not.toContain(secret);
  });
});
