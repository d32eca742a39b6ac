/**
 * Everything `npm run demo` runs, with no configuration: the DART sandbox, the Slack
 * stand-in and the real app (startApp with a config from loadConfig, exactly as
 * `npm start` builds it), all on 127.0.0.1 with free ports, a throw-away database and
 * the app's logs in a temporary directory. The console drives it through `DemoWorld`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../app/start.ts';
import { loadConfig } from '../config/load.ts';
import { createDartSandbox, type DartSandbox } from '../sandbox/dart/server.ts';
import { SlackRequests } from '../sandbox/slack/requests.ts';
import { createSlackStandin, type SlackStandin } from '../sandbox/slack/standin.ts';
import { createLogger } from '../util/logger.ts';

/** A Slack user the console can act as. */
export interface DemoUser {
  id: string;
  name: string;
  /** What the demo configured for them, for the banner (the app's AccessControl has the final word). */
  description: string;
}

/**
 * The demo's people: `ana` (operator and treasurer, so every command works from the
 * start), one user per role, a second treasurer to approve large transfers, and `sam`,
 * who holds no role, to see refusals.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'U0DEMOANA1', name: 'ana', description: 'operator and treasurer' },
  { id: 'U0VIEWER01', name: 'vera', description: 'viewer' },
  { id: 'U0OPERAT01', name: 'otto', description: 'operator' },
  { id: 'U0TREASU01', name: 'tess', description: 'treasurer' },
  { id: 'U0TREASU02', name: 'theo', description: 'treasurer' },
  { id: 'U0STRANG01', name: 'sam', description: 'no role' },
];

/** The demo's channels by id; commands are typed in `#ops`. */
export const DEMO_CHANNELS = {
  ops: 'C0OPS00001',
  alerts: 'C0ALERTS01',
  withdrawals: 'C0WITHDR01',
  audit: 'C0AUDIT001',
} as const;

/** What the console needs from a running demo: the stand-ins, the way in to the app, and who is who. */
export interface DemoWorld {
  readonly slack: SlackStandin;
  readonly dart: DartSandbox;
  /** Signed Slack requests to the app's `/slack/events`. */
  readonly requests: SlackRequests;
  /** Where DART's webhooks go: the app's origin plus `WEBHOOK_PATH_PREFIX`. */
  readonly webhookBaseUrl: string;
  /** The secret DART's webhook calls carry (undefined when the app accepts webhooks without one). */
  readonly webhookSecret: string | undefined;
  readonly users: readonly DemoUser[];
  /** Channel id → name without `#`. */
  readonly channels: Readonly<Record<string, string>>;
  /** The channel slash commands are typed in. */
  readonly commandChannel: string;
  /** The roles the app grants a Slack user. */
  rolesOf(userId: string): Promise<ReadonlySet<string>>;
  /** How long the app waits for DART (the demo's `DART_TIMEOUT_MS`). */
  readonly dartTimeoutMs: number;
  /** Lines for the console's banner: where things run, where the logs go. */
  readonly about: string[];
  stop(): Promise<void>;
}

/** The running demo, with the app itself for callers that want more than the console needs. */
export interface RunningDemo extends DemoWorld {
  readonly app: RunningApp;
  /** The app's log file (JSON lines), kept after stop() for reading. */
  readonly logFile: string;
  readonly tempDir: string;
}

const secret = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * Starts the DART sandbox, the Slack stand-in and the app, and waits until the app is
 * ready. Nothing is read from the environment or `.env`: the demo must never pick up a
 * real token. Secrets are random for each run. stop() stops all three and deletes the
 * database; the log file stays for reading.
 */
export async function startDemoWorld(): Promise<RunningDemo> {
  const tempDir = mkdtempSync(join(tmpdir(), 'dart-slack-demo-'));
  const logFile = join(tempDir, 'app.log');
  const databasePath = join(tempDir, 'demo.db');
  const secrets = {
    bot: secret('xoxb-demo-'),
    signing: secret(''),
    dart: secret('demo|'),
    webhook: secret(''),
  };
  const dart = createDartSandbox({ token: secrets.dart });
  const slack = createSlackStandin({ botToken: secrets.bot });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    while (stops.length > 0)
      await stops
        .pop()?.()
        .catch(() => {});
  };
  // A stack, stopped last-in first-out: the app before the stand-ins, the database file last.
  stops.push(async () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(databasePath + suffix, { force: true });
  });
  try {
    await dart.start();
    stops.push(() => dart.stop());
    await slack.start();
    stops.push(() => slack.stop());
    slack.setUsers(Object.fromEntries(DEMO_USERS.map((user) => [user.id, { tz: 'UTC', tz_offset: 0, real_name: user.name }])));
    const idsOf = (...names: string[]): string =>
      DEMO_USERS.filter((user) => names.includes(user.name))
        .map((user) => user.id)
        .join(',');
    const config = loadConfig({
      SLACK_BOT_TOKEN: secrets.bot,
      SLACK_SIGNING_SECRET: secrets.signing,
      SLACK_API_URL: slack.apiUrl,
      DART_API_URL: dart.url,
      DART_API_TOKEN: secrets.dart,
      // Short enough that a hung DART is reported while the console still waits for the
      // answer (10 s at most); said in the banner, since the README's default is 10 s.
      DART_TIMEOUT_MS: '5000',
      PORT: '0',
      DATABASE_PATH: databasePath,
      DART_ALERT_CHANNEL: DEMO_CHANNELS.alerts,
      DART_WITHDRAWAL_CHANNEL: DEMO_CHANNELS.withdrawals,
      DART_AUDIT_CHANNEL: DEMO_CHANNELS.audit,
      DART_VIEWERS: idsOf('vera'),
      DART_OPERATORS: idsOf('ana', 'otto'),
      DART_TREASURERS: idsOf('ana', 'tess', 'theo'),
      // Small enough that the treasury controls show in a short session (README, "Treasury controls").
      TRANSFER_SECOND_APPROVAL_THRESHOLD: '5000',
      TRANSFER_DAILY_LIMIT: '2000',
      TRANSFER_DAILY_TOTAL_LIMIT: '20000',
      WEBHOOK_SECRET: secrets.webhook,
      LOG_LEVEL: 'debug',
    });
    const logDestination = pino.destination({ dest: logFile, sync: true });
    const app = await startApp(config, { logger: createLogger(config.LOG_LEVEL, logDestination), host: '127.0.0.1' });
    stops.push(async () => {
      await app.stop();
      logDestination.end();
    });
    await app.ready;
    const requests = new SlackRequests({ appUrl: `${app.url}/slack/events`, signingSecret: secrets.signing, standin: slack });
    return {
      app,
      logFile,
      tempDir,
      slack,
      dart,
      requests,
      webhookBaseUrl: `${app.url}${config.WEBHOOK_PATH_PREFIX}`,
      webhookSecret: secrets.webhook,
      users: DEMO_USERS,
      channels: Object.fromEntries(Object.entries(DEMO_CHANNELS).map(([name, id]) => [id, name])),
      commandChannel: DEMO_CHANNELS.ops,
      rolesOf: (userId) => app.services.access.rolesOf(userId),
      dartTimeoutMs: config.DART_TIMEOUT_MS,
      about: [
        `app          ${app.url} (the real app, as npm start runs it; database ${databasePath})`,
        `app logs     ${logFile}`,
        `DART sandbox ${dart.url} (customers: ${[...dart.state.customers.keys()].join(', ')})`,
        `DART timeout ${config.DART_TIMEOUT_MS / 1000} s in the demo (DART_TIMEOUT_MS; 10 s by default), so dart slow ${config.DART_TIMEOUT_MS / 1000} or more times out`,
        `Slack        a local stand-in at ${slack.apiUrl}; you type in #ops`,
      ],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
