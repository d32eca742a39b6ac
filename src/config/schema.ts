import { z } from 'zod';
import { parseDecimalAmount } from '../util/money.ts';

/** Comma-separated Slack user ids (`U…`/`W…`), user-group ids (`S…`) or `*`. */
const principalList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'expected Slack user ids (U…), user-group ids (S…) or *, comma-separated'),
      ),
    );

const amount = z.string().transform((raw, ctx) => {
  const parsed = parseDecimalAmount(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: `expected a positive amount such as 1000 or 250.50 (${parsed.reason})` });
    return z.NEVER;
  }
  return parsed.cents;
});

const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/** Slack and DART base URLs are joined with relative paths, so they must end with a slash. */
const baseUrl = (fallback: string) => url.default(fallback).transform((value) => (value.endsWith('/') ? value : `${value}/`));

const optionalChannel = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0123456789')
  .optional();

/**
 * The environment as PRODUCT.md defines it. Empty strings count as unset, so that a
 * `.env` copied from `.env.example` with blank optional lines behaves like no line.
 */
export const environmentSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-'),
    SLACK_SIGNING_SECRET: z.string().min(8, 'expected the signing secret from the Slack app settings').optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'expected an app-level token starting with xapp-').optional(),
    SLACK_API_URL: baseUrl('https://slack.com/api/'),
    DART_API_URL: baseUrl('https://api.dart.cash/api/'),
    DART_API_TOKEN: z.string().min(1, 'expected the DART bearer token'),
    DART_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    DATABASE_PATH: z.string().min(1).default('dart-slack.db'),
    DART_ALERT_CHANNEL: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0123456789'),
    DART_WITHDRAWAL_CHANNEL: optionalChannel,
    DART_AUDIT_CHANNEL: optionalChannel,
    DART_VIEWERS: principalList('*'),
    DART_OPERATORS: principalList(''),
    DART_TREASURERS: principalList(''),
    TRANSFER_MAX_AMOUNT: amount.default(10_000_00n),
    TRANSFER_APPROVAL_THRESHOLD: amount.default(1_000_00n),
    TRANSFER_CONFIRM_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
    WEBHOOK_PATH_PREFIX: z
      .string()
      .regex(/^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._~-]+)+$/, 'expected a path such as /dart (leading slash, no trailing slash, no . or .. segments)')
      .default(''),
    WEBHOOK_SECRET: z.string().min(16, 'expected a shared secret of at least 16 characters').optional(),
    WEBHOOK_AUTH: z.enum(['secret', 'none']).default('secret'),
    METRICS_TOKEN: z.string().min(16, 'expected a bearer token of at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.TRANSFER_APPROVAL_THRESHOLD > env.TRANSFER_MAX_AMOUNT) {
      ctx.addIssue({
        code: 'custom',
        path: ['TRANSFER_APPROVAL_THRESHOLD'],
        message: 'must not be above TRANSFER_MAX_AMOUNT',
      });
    }
  });

export type Environment = z.output<typeof environmentSchema>;

/**
 * Requirements that depend on other variables, checked on the raw values so that they are
 * reported together with every other problem rather than only after those are fixed.
 */
export function conditionalRequirements(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined) {
    problems.push('SLACK_SIGNING_SECRET: is required in HTTP mode (or set SLACK_APP_TOKEN to use Socket Mode)');
  }
  if (env.WEBHOOK_AUTH !== 'none' && env.WEBHOOK_SECRET === undefined) {
    problems.push('WEBHOOK_SECRET: is required so that only DART can post webhooks (or set WEBHOOK_AUTH=none on purpose)');
  }
  return problems;
}
