/**
 * Scenario 3: 30 withdrawal webhooks arrive at once while Slack allows one message per
 * second per channel. How long until a person in the withdrawal channel can see every one
 * of them (a digest message shows several)? The baseline is measured, not computed: one
 * message per event, posted one by one through a WebClient that honours Retry-After.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import type { SlackStandin } from '../../src/sandbox/slack/standin.ts';
import { countStatuses, describeStatuses, unavailability } from '../load.ts';
import { measured, missing, type Figure, type ScenarioResult } from '../report.ts';
import { BENCH_CHANNELS, BENCH_SECRETS, startBenchApp, waitUntil, type Bench } from '../setup.ts';
import { burstAmounts, eventsPerMessage, visibleAmounts } from '../visibility.ts';
import { send, webhookBody, webhookRequest } from '../webhooks.ts';

export const TITLE = '3. Burst visibility';

export const BURST = {
  events: 30,
  /** Slack's posting limit per channel, as the stand-in enforces it. */
  rateLimitMs: 1000,
  /** Give up on a run after this long. */
  timeoutMs: 90_000,
} as const;

const BASELINE = 'one message per event, posted one by one (WebClient honouring Retry-After)';

/** Runs the app's burst, then the baseline's, each on its own channel under the same limit. */
export async function run(bench: Bench): Promise<ScenarioResult> {
  const amounts = burstAmounts(BURST.events);
  bench.slack.setChannelRateLimit(BURST.rateLimitMs);
  try {
    const app = await appBurst(bench, amounts);
    const baseline = await baselineBurst(bench.slack, amounts);
    return {
      rows: [
        {
          scenario: TITLE,
          measure: `all ${BURST.events} visible`,
          unit: 's',
          better: 'lower',
          figure: app.figure,
          baseline: baseline.figure,
          baselineLabel: BASELINE,
        },
      ],
      notes: [
        `Burst: ${BURST.events} \`trade-script-withdrawal\` webhooks sent at once (amounts ${amounts[0]} … ${amounts.at(-1)}); the Slack stand-in allows one chat.postMessage per channel per ${BURST.rateLimitMs} ms and answers 429 with Retry-After beyond it. Visible = the amount appears in a message's text or blocks in the channel.`,
        `dart-slack: ${app.summary}`,
        `baseline: ${baseline.summary}`,
      ],
    };
  } finally {
    bench.slack.setChannelRateLimit(undefined);
  }
}

/** The app's run: the 30 webhooks at once, then watch the withdrawal channel. */
async function appBurst(bench: Bench, amounts: string[]): Promise<{ figure: Figure; summary: string }> {
  const started = await startBenchApp(bench);
  const channel = BENCH_CHANNELS.withdrawals;
  try {
    const t0 = performance.now();
    const statuses = await Promise.all(
      amounts.map((amount, i) =>
        send(started.app.url, webhookRequest('trade-script-withdrawal', webhookBody('trade-script-withdrawal', i + 1, amount))),
      ),
    );
    const answers = { statuses: countStatuses(statuses), errors: 0 };
    const accepted = statuses.filter((status) => status >= 200 && status < 300).length;
    const reason = unavailability(answers);
    if (reason !== undefined) return { figure: missing(reason), summary: `no webhook was accepted (${describeStatuses(answers)}).` };
    const visible = () => visibleAmounts(bench.slack.messages(channel), amounts).size;
    const done = await waitUntil(() => visible() >= amounts.length, BURST.timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    const messages = bench.slack.messages(channel);
    const summary = `${accepted} of ${amounts.length} accepted (${describeStatuses(answers)}); ${visible()} visible after ${seconds.toFixed(1)} s; ${postingCounts(bench.slack, channel)}; events per message: [${eventsPerMessage(messages, amounts).join(', ')}].`;
    return {
      figure: done ? measured(seconds) : missing(`timed out: ${visible()} of ${amounts.length} after ${BURST.timeoutMs / 1000} s`),
      summary,
    };
  } finally {
    await started.stop();
  }
}

/** The baseline: one message per event, each posted as soon as Slack allows it. */
async function baselineBurst(slack: SlackStandin, amounts: string[]): Promise<{ figure: Figure; summary: string }> {
  const channel = BENCH_CHANNELS.baseline;
  // Waits out each 429's Retry-After and then retries at once (no extra backoff).
  const client = new WebClient(BENCH_SECRETS.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 10, minTimeout: 0, maxTimeout: 0 },
    rejectRateLimitedCalls: false,
    // It logs each 429 at info; the bench's terminal only wants the table.
    logLevel: LogLevel.ERROR,
  });
  const t0 = performance.now();
  for (const amount of amounts) {
    await client.chat.postMessage({ channel, text: `Withdrawal of ${amount} USDC from Full Velocity Members Only` });
  }
  const seconds = (performance.now() - t0) / 1000;
  const visible = visibleAmounts(slack.messages(channel), amounts).size;
  const figure = visible === amounts.length ? measured(seconds) : missing(`${visible} of ${amounts.length} visible`);
  return { figure, summary: `${visible} visible after ${seconds.toFixed(1)} s; ${postingCounts(slack, channel)}.` };
}

/** `N chat.postMessage calls (M answered 429), K chat.update calls` for one channel. */
function postingCounts(slack: SlackStandin, channel: string): string {
  const posts = slack.callsTo('chat.postMessage').filter((call) => call.args.channel === channel);
  const limited = posts.filter((call) => call.result?.error === 'ratelimited').length;
  const updates = slack.callsTo('chat.update').filter((call) => call.args.channel === channel).length;
  return `${posts.length} chat.postMessage calls (${limited} answered 429), ${updates} chat.update calls, ${slack.messages(channel).length} messages in the channel`;
}
