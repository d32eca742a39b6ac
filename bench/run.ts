/**
 * `npm run bench`: runs each scenario against the DART sandbox and the Slack stand-in on
 * 127.0.0.1, prints the figures next to baselines measured in the same run, and writes
 * them to bench/RESULTS.md, followed by bench/BEFORE-AND-AFTER.md. Not part of `npm test`:
 * figures are printed, never asserted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { missing, resultsDocument, resultsTable, timesWorse, type NotesSection, type Row, type ScenarioResult } from './report.ts';
import * as ackLatency from './scenarios/ack-latency.ts';
import * as burstVisibility from './scenarios/burst-visibility.ts';
import * as footprint from './scenarios/footprint.ts';
import * as postgres from './scenarios/postgres.ts';
import * as webhookIntake from './scenarios/webhook-intake.ts';
import { startBench, type Bench } from './setup.ts';

/** One scenario: its run, and optionally a closer look for when it is far from its baseline. */
interface Scenario {
  TITLE: string;
  run(bench: Bench): Promise<ScenarioResult>;
  explain?(bench: Bench): Promise<string[]>;
}

const SCENARIOS: Scenario[] = [ackLatency, webhookIntake, burstVisibility, footprint, postgres];

/** A figure this many times worse than its baseline gets a profile in RESULTS.md. */
const FAR = 2;

/** The whole run stops here whatever happens (the scenarios take about 4 minutes on 2 cores). */
const WATCHDOG_MS = 12 * 60_000;

const RESULTS_PATH = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** Kept by hand (figures before and after issue 14, with what dominated each); a full run appends it to RESULTS.md. */
const HISTORY_PATH = new URL('./BEFORE-AND-AFTER.md', import.meta.url);

/**
 * `node bench/run.ts [N …]`: with scenario numbers, runs only those and prints their table
 * without touching RESULTS.md (which keeps a whole run).
 */
async function main(args: string[]): Promise<number> {
  const chosen = args.length === 0 ? SCENARIOS : args.map((arg) => SCENARIOS[Number(arg) - 1]);
  if (chosen.some((scenario) => scenario === undefined)) {
    process.stderr.write(`usage: node bench/run.ts [scenario number 1-${SCENARIOS.length} …]\n`);
    return 64;
  }

  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${WATCHDOG_MS / 60_000} minutes; giving up\n`);
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  // A bug in the app's background work (after a stop, say) should be reported with the
  // figures, not lose them all.
  const problems: string[] = [];
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    problems.push(text.split('\n').slice(0, 3).join(' ⏎ '));
    progress(`unhandled rejection: ${text}`);
  });

  const date = new Date();
  const bench = await startBench();
  const rows: Row[] = [];
  const sections: NotesSection[] = [];
  let failed = false;
  try {
    for (const scenario of chosen as Scenario[]) {
      bench.slack.reset();
      bench.dart.setLatency(0);
      progress(`${scenario.TITLE}…`);
      const started = performance.now();
      let result: ScenarioResult;
      try {
        result = await scenario.run(bench);
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        result = { rows: [failedRow(scenario.TITLE, message)], notes: [`Failed: ${message}`] };
      }
      rows.push(...result.rows);
      const details = [...(result.details ?? [])];
      const far = result.rows.filter((row) => (timesWorse(row) ?? 0) >= FAR);
      if (far.length > 0 && scenario.explain) {
        progress(`${scenario.TITLE}: ${far.map((row) => row.measure).join(', ')} ${FAR}× or more from baseline; profiling…`);
        bench.slack.reset();
        try {
          details.push(...(await scenario.explain(bench)));
        } catch (error) {
          details.push(`The profile run failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      sections.push({ title: scenario.TITLE, notes: result.notes, details });
      progress(`${scenario.TITLE}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await bench.stop();
  }

  if (problems.length > 0)
    sections.push({ title: 'Problems seen during the run', notes: problems.map((problem) => `unhandled rejection: ${problem}`) });
  const cpu = cpus();
  const machine = {
    date,
    nodeVersion: process.version,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    platform: `${platform()} ${release()}`,
  };
  process.stdout.write(`\n${resultsTable(rows)}\n\nnode ${machine.nodeVersion}, ${machine.cpuModel} × ${machine.cpuCount}\n`);
  if (chosen.length === SCENARIOS.length) {
    writeFileSync(RESULTS_PATH, `${resultsDocument(machine, rows, sections)}\n${readFileSync(HISTORY_PATH, 'utf8')}`);
    process.stdout.write(`Written to ${RESULTS_PATH}\n`);
  } else {
    process.stdout.write(
      `\n${resultsDocument(machine, rows, sections)
        .split('\n## ')
        .slice(1)
        .map((part) => `## ${part}`)
        .join('\n')}`,
    );
  }
  return failed || problems.length > 0 ? 1 : 0;
}

function failedRow(scenario: string, message: string): Row {
  const reason = missing(`failed: ${message.split('\n')[0]}`);
  return { scenario, measure: '–', unit: 'ms', better: 'lower', figure: reason, baseline: missing('–'), baselineLabel: '–' };
}

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

// Exit once done: keep-alive sockets of the load generator or of undici may linger.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
