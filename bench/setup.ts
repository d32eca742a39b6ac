/**
 * What every scenario runs against: the DART sandbox and the Slack stand-in on loopback,
 * the environment the app gets, and the app itself started in this process on a temporary
 * SQLite file (a real file, so each webhook's durable write costs what it costs in production).
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../src/app/start.ts';
import { loadConfig } from '../src/config/load.ts';
import { SlackRequests } from '../src/sandbox/slack/requests.ts';
import { startStandins, type Standins } from '../src/sandbox/standins.ts';
import { createLogger } from '../src/util/logger.ts';

/** Made-up credentials shared by the stand-ins, the app and the load. */
export const BENCH_SECRETS = {
  botToken: 'xoxb-bench-bot-token-0001',
  signingSecret: 'bench-signing-secret-0123456789',
  dartToken: '3|BenchDartTokenAbcdefghijklmnopqrstuv',
  webhookSecret: 'bench-webhook-secret-0123456789',
} as const;

/** Channels the app posts to; the baseline of scenario 3 posts to its own. */
export const BENCH_CHANNELS = { alerts: 'C0BENCHAL01', withdrawals: 'C0BENCHWD01', baseline: 'C0BENCHBL01' } as const;

/** The user who runs the slash commands (a viewer: `DART_VIEWERS` is `*`). */
export const BENCH_USER = { id: 'U0BENCH001', name: 'bench' } as const;

/** The stand-ins every scenario runs against, with a scratch folder. */
export type Bench = Standins;

/** Starts the stand-ins and makes the scratch folder. */
export function startBench(): Promise<Bench> {
  return startStandins({ botToken: BENCH_SECRETS.botToken, dartToken: BENCH_SECRETS.dartToken, folderPrefix: 'dart-slack-bench-' });
}

/** The environment of an app under benchmark: HTTP mode, stand-ins, a real database file. */
export function appEnvironment(bench: Bench, port = '0'): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BENCH_SECRETS.botToken,
    SLACK_SIGNING_SECRET: BENCH_SECRETS.signingSecret,
    SLACK_API_URL: bench.slack.apiUrl,
    DART_API_URL: bench.dart.url,
    DART_API_TOKEN: BENCH_SECRETS.dartToken,
    // Above the 4 s DART latency of scenario 1, so its lookups finish rather than time out.
    DART_TIMEOUT_MS: '10000',
    DART_ALERT_CHANNEL: BENCH_CHANNELS.alerts,
    DART_WITHDRAWAL_CHANNEL: BENCH_CHANNELS.withdrawals,
    WEBHOOK_SECRET: BENCH_SECRETS.webhookSecret,
    DART_VIEWERS: '*',
    PORT: port,
    DATABASE_PATH: bench.databasePath(),
    LOG_LEVEL: 'info',
  };
}

/** What makes an app use the PostgreSQL database at `url` instead of a SQLite file (undefined unsets a variable). */
export function postgresEnvironment(url: string): Record<string, string | undefined> {
  return { DATABASE_PATH: undefined, DATABASE_URL: url };
}

/** The app started in this process, and the signed-request builder aimed at it. */
export interface BenchApp {
  app: RunningApp;
  requests: SlackRequests;
  stop(): Promise<void>;
}

/**
 * Starts the app as `startApp` does in production, logging at info to a file in the
 * scratch folder (logging is part of the cost; the terminal stays readable), and waits
 * until it is ready.
 */
export async function startBenchApp(bench: Bench, env: Record<string, string | undefined> = {}): Promise<BenchApp> {
  const config = loadConfig({ ...appEnvironment(bench), ...env });
  // Synchronous writes, as pino's default stdout destination makes them.
  const destination = pino.destination({ dest: join(bench.scratch, 'app.log'), sync: true });
  const app = await startApp(config, { logger: createLogger(config.LOG_LEVEL, destination), host: '127.0.0.1' });
  await app.ready;
  return {
    app,
    requests: slackRequestsFor(app.url, bench),
    async stop() {
      await app.stop();
      destination.end();
    },
  };
}

/** Signed Slack requests to the `/slack/events` endpoint at `origin`, answered through the stand-in. */
export function slackRequestsFor(origin: string, bench: Bench): SlackRequests {
  return new SlackRequests({ appUrl: `${origin}/slack/events`, signingSecret: BENCH_SECRETS.signingSecret, standin: bench.slack });
}

/** Resolves once `done()` is true (checked every `everyMs`), or with false after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 25): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
