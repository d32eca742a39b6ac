import type { DeliveryOptions } from '../../src/alerts/delivery.ts';
import { startApp, type RunningApp } from '../../src/app/start.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createDartSandbox, type DartSandbox } from '../../src/sandbox/dart/server.ts';
import { SlackRequests, type SlackUser } from '../../src/sandbox/slack/requests.ts';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { capturedLogger } from './captured-logger.ts';

export const SECRETS = {
  botToken: 'xoxb-test-bot-token-0001',
  signingSecret: 'test-signing-secret-0123456789',
  dartToken: '2|TestDartTokenAbcdefghijklmnopqrstuv',
  webhookSecret: 'test-webhook-secret-0123456789',
} as const;

/** Ready-made Slack users, one per role (see `baseEnvironment`). */
export const USERS = {
  viewer: { id: 'U0VIEWER01', name: 'vera' },
  operator: { id: 'U0OPERAT01', name: 'otto' },
  treasurer: { id: 'U0TREASU01', name: 'tess' },
  treasurer2: { id: 'U0TREASU02', name: 'theo' },
  stranger: { id: 'U0STRANG01', name: 'sam' },
} as const satisfies Record<string, SlackUser>;

export const CHANNELS = { alerts: 'C0ALERTS01', withdrawals: 'C0WITHDR01', audit: 'C0AUDIT001', ops: 'C0DEMO001' } as const;

/** The environment every test starts from; viewers are listed so a stranger has no role. */
export function baseEnvironment(): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    DART_API_TOKEN: SECRETS.dartToken,
    // Loopback where nothing listens: the app's start-up probe must never reach the real DART from a test.
    DART_API_URL: 'http://127.0.0.1:9/api/',
    DART_ALERT_CHANNEL: CHANNELS.alerts,
    WEBHOOK_SECRET: SECRETS.webhookSecret,
    DART_VIEWERS: USERS.viewer.id,
    DART_OPERATORS: USERS.operator.id,
    DART_TREASURERS: `${USERS.treasurer.id},${USERS.treasurer2.id}`,
    DART_TIMEOUT_MS: '1500',
    PORT: '0',
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'debug',
  };
}

/** Everything one test needs: DART and Slack stand-ins, the app pointed at them, its logs. */
export interface Harness {
  dart: DartSandbox;
  slack: SlackStandin;
  app: RunningApp;
  requests: SlackRequests;
  /** Every log line the app wrote, raw. */
  logs: string[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  now?: () => Date;
  /** How often the app sweeps transfers (default 15 s). */
  transferSweepMs?: number;
  /** How long past DART_TIMEOUT_MS a call stays live before the sweep takes it for abandoned (default 30 s). */
  executionGraceMs?: number;
  /** Members of Slack user groups, known to the stand-in before the app starts. */
  userGroups?: Record<string, string[]>;
  /** Reuse stand-ins (e.g. across an app restart). */
  dart?: DartSandbox;
  slack?: SlackStandin;
  /** Webhook relay timings (e.g. a short backoff). */
  alerts?: DeliveryOptions;
  /** The app's Web API timeout (default 5 s), shortened to see Slack answer late. */
  slackTimeoutMs?: number;
}

/** Starts the stand-ins (unless given) and the app, and waits until the app is ready. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dart = options.dart ?? createDartSandbox({ token: SECRETS.dartToken });
  const slack = options.slack ?? createSlackStandin({ botToken: SECRETS.botToken });
  if (!options.dart) await dart.start();
  if (!options.slack) await slack.start();
  // Before the app starts: it reads the role lists' user groups at start-up.
  if (options.userGroups) slack.setUserGroups(options.userGroups);
  const config = loadConfig({ ...baseEnvironment(), DART_API_URL: dart.url, SLACK_API_URL: slack.apiUrl, ...options.env });
  const { logger, logs } = capturedLogger(config.LOG_LEVEL);
  const app = await startApp(config, {
    logger,
    host: '127.0.0.1',
    now: options.now,
    transferSweepMs: options.transferSweepMs,
    executionGraceMs: options.executionGraceMs,
    alerts: options.alerts,
    slackTimeoutMs: options.slackTimeoutMs,
  });
  await app.ready;
  await dartProbeSettled(app.url);
  const requests = new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: SECRETS.signingSecret, standin: slack });
  return {
    dart,
    slack,
    app,
    requests,
    logs,
    async stop() {
      await app.stop();
      if (!options.slack) await slack.stop();
      if (!options.dart) await dart.stop();
    },
  };
}

/** The start-up DART probe's call is over (it shows in /healthz), so tests count only their own calls to DART. */
async function dartProbeSettled(appUrl: string): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${appUrl}/healthz`)).json()) as { dart?: { status?: string } };
    if (health.dart?.status !== 'checking') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a call DART received is the app's start-up probe (a `customer/get` for a made-up name). */
export function isProbe(call: { endpoint: string; query: Record<string, string> }): boolean {
  return call.endpoint === 'customer/get' && (call.query.dart_user_name ?? '').startsWith('dart-slack-probe-');
}

/** Every string a test can see that left the app: Slack calls, response_url posts and logs. */
export function everythingSent(harness: Harness): string {
  return JSON.stringify([harness.slack.calls, harness.slack.responses]) + harness.logs.join('');
}
