import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a logged object: tokens, secrets and the
 * password fields of modal payloads and DART requests. Each path beginning with `*` is
 * tried on every value of every line, so the list holds only shapes the app can log:
 * configuration variables are never logged nested.
 */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DART_API_TOKEN',
  'WEBHOOK_SECRET',
  'SLACK_SIGNING_SECRET_PREVIOUS',
  'WEBHOOK_SECRET_PREVIOUS',
  'METRICS_TOKEN',
];

/** One JSON line per event; `destination` lets tests and the demo capture what would be logged. */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { app: 'dart-slack' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
