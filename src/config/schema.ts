import { CHANNEL_ID } from '../slack/ids.ts';
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
    .pipe(z.array(z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'expected Slack user ids (U…), user-group ids (S…) or *, comma-separated')));

/** The largest amount a limit may be set to, in cents (1,000,000,000,000.00): far beyond any real transfer, and its sums stay exact in every store. */
const LARGEST_AMOUNT_CENTS = 100_000_000_000_000n;

const amount = z.string().transform((raw, ctx) => {
  const parsed = parseDecimalAmount(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: `expected a positive amount such as 1000 or 250.50 (${parsed.reason})` });
    return z.NEVER;
  }
  if (parsed.cents > LARGEST_AMOUNT_CENTS) {
    ctx.addIssue({ code: 'custom', message: 'must be at most 1000000000000 (1,000,000,000,000.00)' });
    return z.NEVER;
  }
  return parsed.cents;
});

const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/** Slack and DART base URLs are joined with relative paths, so they must end with a slash. */
const baseUrl = (fallback: string) => url.default(fallback).transform((value) => (value.endsWith('/') ? value : `${value}/`));

const optionalChannel = z.string().regex(CHANNEL_ID, 'expected a Slack channel id such as C0123456789').optional();

const signingSecret = z.string().min(8, 'expected the signing secret from the Slack app settings');

// Sent as `Authorization: Bearer <secret>`, a token that cannot contain whitespace: such a secret could never match.
const webhookSecret = z
  .string()
  .min(16, 'expected a shared secret of at least 16 characters')
  .regex(/^\S+$/, 'must not contain spaces or other whitespace (it could never match as a Bearer token)');

/**
 * The environment, as the README's Configuration table lists it (names, meanings and defaults are a contract). Empty strings count as unset, so that a
 * `.env` copied from `.env.example` with blank optional lines behaves like no line.
 */
export const environmentSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-'),
    SLACK_SIGNING_SECRET: signingSecret.optional(),
    SLACK_SIGNING_SECRET_PREVIOUS: signingSecret.optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
      .optional(),
    SLACK_API_URL: baseUrl('https://slack.com/api/'),
    DART_API_URL: baseUrl('https://api.dart.cash/api/'),
    DART_API_TOKEN: z.string().min(1, 'expected the DART bearer token'),
    DART_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    DATABASE_PATH: z.string().min(1).default('dart-slack.db'),
    // Never echoed: its password is a secret (see `redactedDatabaseUrl`).
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:5432/database (or postgresql://…)' })
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    DART_ALERT_CHANNEL: z.string().regex(CHANNEL_ID, 'expected a Slack channel id such as C0123456789'),
    DART_WITHDRAWAL_CHANNEL: optionalChannel,
    DART_AUDIT_CHANNEL: optionalChannel,
    DART_VIEWERS: principalList('*'),
    DART_OPERATORS: principalList(''),
    DART_TREASURERS: principalList(''),
    TRANSFER_MAX_AMOUNT: amount.default(10_000_00n),
    TRANSFER_APPROVAL_THRESHOLD: amount.default(1_000_00n),
    TRANSFER_CONFIRM_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
    TRANSFER_SECOND_APPROVAL_THRESHOLD: amount.optional(),
    TRANSFER_DAILY_LIMIT: amount.optional(),
    TRANSFER_DAILY_TOTAL_LIMIT: amount.optional(),
    WEBHOOK_PATH_PREFIX: z
      .string()
      .regex(
        /^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._~-]+)+$/,
        'expected a path such as /dart (leading slash, no trailing slash, no . or .. segments)',
      )
      .default(''),
    WEBHOOK_SECRET: webhookSecret.optional(),
    WEBHOOK_SECRET_PREVIOUS: webhookSecret.optional(),
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
    // Two approvers below the one-approver threshold would make the tiers read backwards.
    if (env.TRANSFER_SECOND_APPROVAL_THRESHOLD !== undefined && env.TRANSFER_SECOND_APPROVAL_THRESHOLD < env.TRANSFER_APPROVAL_THRESHOLD) {
      ctx.addIssue({
        code: 'custom',
        path: ['TRANSFER_SECOND_APPROVAL_THRESHOLD'],
        message: 'must not be below TRANSFER_APPROVAL_THRESHOLD',
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
  if (env.DATABASE_URL !== undefined && env.DATABASE_PATH !== undefined) {
    problems.push('DATABASE_URL and DATABASE_PATH: set one, not both (DATABASE_URL selects PostgreSQL, DATABASE_PATH the SQLite file)');
  }
  for (const name of ['SLACK_SIGNING_SECRET', 'WEBHOOK_SECRET']) {
    if (env[`${name}_PREVIOUS`] !== undefined && env[name] === undefined) {
      problems.push(`${name}_PREVIOUS: is only used while rotating, next to a new ${name}; set ${name}`);
    }
  }
  return problems;
}

/** Example values of `.env.example` that are not real ids. */
const EXAMPLE_IDS = new Set(['C0123456789', 'U0123456789', 'U0987654321']);

/**
 * Variables still holding `.env.example`'s placeholders (`…replace-me`, `replace-with-…`,
 * its example channel and user ids): well-formed, so the schema would take them, but the
 * app would then fail far from the cause (Slack refusing the token, a channel not found).
 */
export function placeholderProblems(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(
      ([, value]) =>
        value !== undefined && (/replace-(me|with)/i.test(value) || value.split(',').some((part) => EXAMPLE_IDS.has(part.trim()))),
    )
    .map(([name]) => `${name}: still holds the placeholder from .env.example; put the real value`);
}
