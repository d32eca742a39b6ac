/**
 * Scenario 1: how fast Slack gets its ack for `/dart balance` while DART takes 4 s to
 * answer, next to a bare Bolt app whose handler acks and then makes the same DART call. The app's real work (the DART
 * lookup and the answer through response_url) goes on after each ack, concurrently with
 * the next requests, and is waited for before the app stops.
 */
import { signSlackRequest, type SlackRequests } from '../../src/sandbox/slack/requests.ts';
import { startBareBolt } from '../bare-bolt.ts';
import { profileApp } from '../child.ts';
import { describeLoad, latencyFigure, runLoad, type LoadRequest, type LoadResult } from '../load.ts';
import { formatValue, type Row, type ScenarioResult } from '../report.ts';
import { BENCH_SECRETS, BENCH_USER, slackRequestsFor, startBenchApp, waitUntil, type Bench } from '../setup.ts';

export const TITLE = '1. Slash-command ack latency';

/** The load: a few hundred signed commands at modest concurrency, after a short warm-up. */
export const SLASH_LOAD = {
  requests: 300,
  connections: 10,
  // Enough for the JIT to settle: with fewer, the first requests' compile time shows in p95.
  warmup: 100,
  dartLatencyMs: 4000,
  text: 'balance billyjoel',
  /** How long to wait for the lookups still under way after the last ack. */
  drainTimeoutMs: 20_000,
} as const;

const BASELINE = 'bare Bolt app (App + HTTPReceiver), same DART call and reply after its ack';

/** The commands sent in one load, by response_url id, so their answers can be waited for. */
export type SentCommands = Set<string>;

/** An endless stream of `/dart <text>` commands, each signed as it goes out (fresh timestamp). */
export function signedSlashCommands(requests: SlackRequests, sent: SentCommands, text: string = SLASH_LOAD.text): () => LoadRequest {
  return () => {
    const { body, responseId } = requests.slashCommandBody(BENCH_USER, text);
    sent.add(responseId);
    return {
      method: 'POST',
      path: '/slack/events',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(BENCH_SECRETS.signingSecret, body) },
      body,
    };
  };
}

/** Sends the warm-up, then the measured load, to the Slack endpoint at `origin`. */
export async function driveSlashCommands(
  bench: Bench,
  origin: string,
  sent: SentCommands = new Set(),
  text: string = SLASH_LOAD.text,
): Promise<LoadResult> {
  const request = signedSlashCommands(slackRequestsFor(origin, bench), sent, text);
  await runLoad({ origin, connections: SLASH_LOAD.connections, amount: SLASH_LOAD.warmup, request });
  return runLoad({ origin, connections: SLASH_LOAD.connections, amount: SLASH_LOAD.requests, request });
}

/**
 * Waits until every sent command has had its final answer (not the "still working" line)
 * posted to its response_url; resolves to how many had.
 */
export async function waitForAnswers(bench: Bench, sent: SentCommands, timeoutMs: number): Promise<number> {
  const answered = () =>
    new Set(
      bench.slack.responses
        .filter((response) => sent.has(response.id) && !String(response.body.text ?? '').startsWith(':hourglass'))
        .map((response) => response.id),
    ).size;
  await waitUntil(() => answered() >= sent.size, timeoutMs, 100);
  return answered();
}

/** What the app started in a time window: DART calls and response_url posts. */
function concurrentWork(bench: Bench, from: Date, to: Date): string {
  const within = (at: Date) => at >= from && at <= to;
  const dartCalls = bench.dart.calls.filter((call) => within(call.at)).length;
  const posts = bench.slack.responses.filter((response) => within(response.at)).length;
  return `${dartCalls} DART requests opened, ${posts} response_url posts`;
}

/** Runs the baseline, then the app, under the same load with DART slow. */
export async function run(bench: Bench): Promise<ScenarioResult> {
  const { rows, notes } = await measureAcks(bench);
  return { rows: rows(TITLE, ''), notes };
}

/** The figures of one measurement, as rows of a scenario (`suffix` tells them apart, e.g. ` (PostgreSQL)`). */
export interface AckMeasurement {
  rows(scenario: string, suffix: string): Row[];
  notes: string[];
}

/** The baseline, then the app (with `env` over the bench's environment, e.g. another database), under the same load with DART slow. */
export async function measureAcks(bench: Bench, env: Record<string, string | undefined> = {}): Promise<AckMeasurement> {
  bench.dart.setLatency(SLASH_LOAD.dartLatencyMs);
  try {
    const bare = await startBareBolt({
      botToken: BENCH_SECRETS.botToken,
      signingSecret: BENCH_SECRETS.signingSecret,
      slackApiUrl: bench.slack.apiUrl,
      port: 0,
      dart: { url: bench.dart.url, token: BENCH_SECRETS.dartToken },
    });
    let baseline: LoadResult;
    try {
      const sentToBare: SentCommands = new Set();
      baseline = await driveSlashCommands(bench, bare.url, sentToBare);
      await waitForAnswers(bench, sentToBare, SLASH_LOAD.drainTimeoutMs);
    } finally {
      await bare.stop();
    }

    const started = await startBenchApp(bench, env);
    const sent: SentCommands = new Set();
    let figure: LoadResult;
    let answered: number;
    const drainStarted = performance.now();
    let during: string;
    try {
      const from = new Date();
      figure = await driveSlashCommands(bench, started.app.url, sent);
      during = concurrentWork(bench, from, new Date());
      answered = await waitForAnswers(bench, sent, SLASH_LOAD.drainTimeoutMs);
    } finally {
      await started.stop();
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    const rows = (scenario: string, suffix: string): Row[] =>
      ([50, 95, 99] as const).map((p) => ({
        scenario,
        measure: `ack p${p}${suffix}`,
        unit: 'ms',
        better: 'lower',
        figure: latencyFigure(figure, p),
        baseline: latencyFigure(baseline, p),
        baselineLabel: BASELINE,
      }));
    return {
      rows,
      notes: [
        `Load: ${SLASH_LOAD.requests} signed \`/dart ${SLASH_LOAD.text}\` at ${SLASH_LOAD.connections} connections (autocannon), after ${SLASH_LOAD.warmup} warm-up requests; DART answers in ${SLASH_LOAD.dartLatencyMs} ms, DART_TIMEOUT_MS 10000.`,
        `dart-slack: ${describeLoad(figure)}.`,
        `baseline: ${describeLoad(baseline)}.`,
        `While the commands were being acked, the app's work after each ack shared its event loop: ${during}. The DART sandbox and the Slack stand-in answering that work run in this process too, so their cost lands in the app's figure, not in the baseline's; the profile below (when shown) is of the app alone.`,
        `Lookups answered through response_url: ${answered} of ${sent.size} (warm-up included), ${drainSeconds.toFixed(1)} s after the load began${answered < sent.size ? `; the rest were abandoned after ${SLASH_LOAD.drainTimeoutMs / 1000} s` : ''}.`,
      ],
    };
  } finally {
    bench.dart.setLatency(0);
  }
}

/** A subcommand the app refuses in its ack, with no work after it: Bolt and routing alone. */
const CONTROL_TEXT = 'no-such-subcommand';

/**
 * What the difference is made of, for when a figure is far from its baseline: the same
 * load of a command acked with no work after it (a control: Bolt and the app's routing
 * alone), and a CPU profile of the app alone, in a child process, under the real load.
 */
export async function explain(bench: Bench): Promise<string[]> {
  bench.dart.setLatency(SLASH_LOAD.dartLatencyMs);
  try {
    const started = await startBenchApp(bench);
    let control: LoadResult;
    try {
      control = await driveSlashCommands(bench, started.app.url, new Set(), CONTROL_TEXT);
    } finally {
      await started.stop();
    }
    const table = await profileApp(bench, 'ack-latency', async (origin) => {
      const sent: SentCommands = new Set();
      await driveSlashCommands(bench, origin, sent);
      await waitForAnswers(bench, sent, SLASH_LOAD.drainTimeoutMs);
    });
    const percentiles = ([50, 95, 99] as const).map((p) => `p${p} ${formatValue(latencyFigure(control, p), 'ms')}`).join(', ');
    return [
      `Control, same app and load, \`/dart ${CONTROL_TEXT}\` (answered in the ack, nothing started after it): ${percentiles} (${describeLoad(control)}). The gap between this and the figure is the work each command starts right after its ack (the DART request: ky, undici, a new connection while the others wait 4 s), which runs on the same event loop before the next request is read.`,
      'Profile of the app in a child process (`node --cpu-prof`) under the real load, from its first request to its stop (start-up left out), lookups included:',
      table,
    ];
  } finally {
    bench.dart.setLatency(0);
  }
}
