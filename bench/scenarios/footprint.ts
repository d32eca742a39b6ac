/**
 * Scenario 4: the app's footprint in a process of its own (what `npm start` runs, with its
 * Node options: the compiled app, built before the first measured start):
 * time from spawn to a 200 from `/healthz`, resident memory once started and after the
 * load of scenarios 1 and 2, next to the bare Bolt app (bench/bare-bolt.ts) treated alike.
 */
import { join } from 'node:path';
import {
  appChild,
  bareBoltChild,
  cpuProfileFlags,
  memoryProbe,
  profileFolder,
  readMemory,
  readProfile,
  startChild,
  type ChildOptions,
  type MemoryReading,
} from '../child.ts';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeLoad, type LoadResult } from '../load.ts';
import { profileTables, summarizeProfile } from '../profile.ts';
import { markdownTable, measured, median, type Row, type ScenarioResult } from '../report.ts';
import type { Bench } from '../setup.ts';
import { driveSlashCommands, SLASH_LOAD, waitForAnswers, type SentCommands } from './ack-latency.ts';
import { driveWebhooks } from './webhook-intake.ts';
import { NPM_START } from '../../test/support/npm-start.ts';

export const TITLE = '4. Footprint';

export const FOOTPRINT = {
  /** Start-ups per target; the median is reported. */
  startups: 3,
  /** Pause before reading memory, so that start-up garbage is not counted as kept. */
  settleMs: 1000,
} as const;

const BASELINE = 'bare Bolt app in a child process (bench/bare-bolt.ts)';

/** What one target measured. */
interface Footprint {
  startupMs: number[];
  rssAfterStartMiB: number[];
  rssAfterLoadMiB: number;
  load: string[];
}

/** Measures the app, then the baseline. */
export async function run(bench: Bench): Promise<ScenarioResult> {
  // A build is not a start: `npm start` compiles only after a source changed.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-if-stale.js', import.meta.url))], { stdio: 'inherit' });
  const app = await measure(bench, (name) => appChild(bench, name));
  const bare = await measure(bench, (name) => bareBoltChild(bench, name));
  const row = (measure: string, unit: Row['unit'], figure: number, baseline: number): Row => ({
    scenario: TITLE,
    measure,
    unit,
    better: 'lower',
    figure: measured(figure),
    baseline: measured(baseline),
    baselineLabel: BASELINE,
  });
  return {
    rows: [
      row('start-up to /healthz 200', 'ms', median(app.startupMs), median(bare.startupMs)),
      row('RSS after start-up', 'MiB', median(app.rssAfterStartMiB), median(bare.rssAfterStartMiB)),
      row('RSS after scenarios 1+2 load', 'MiB', app.rssAfterLoadMiB, bare.rssAfterLoadMiB),
    ],
    notes: [
      `Start-up: spawn of \`${NPM_START}\` (what \`npm start\` runs; or \`node bench/bare-bolt.ts\`) to the first 200 from \`/healthz\`, median of ${FOOTPRINT.startups}: app ${app.startupMs.map(ms).join(', ')}; baseline ${bare.startupMs.map(ms).join(', ')}. Both confirm their bot token with auth.test first.`,
      `RSS is VmRSS from /proc/<pid>/status, ${FOOTPRINT.settleMs} ms after start-up and after the load: app ${app.rssAfterStartMiB.map(mib).join(', ')}; baseline ${bare.rssAfterStartMiB.map(mib).join(', ')}.`,
      `Load before the second reading: scenario 1's slash commands (DART at ${SLASH_LOAD.dartLatencyMs} ms; both make the DART lookup and reply after each ack, waited for), then scenario 2's webhooks. The bare app answers 404 to webhooks.`,
      ...app.load.map((line) => `dart-slack ${line}`),
      ...bare.load.map((line) => `baseline ${line}`),
    ],
  };
}

/**
 * What the footprint is made of: a start-up CPU profile of the app, and both targets' own
 * account of their memory (JS heap, before and after a full GC, and the rest) once started
 * and after the same load, read through bench/memory-probe.ts.
 */
export async function explain(bench: Bench): Promise<string[]> {
  const profileDir = profileFolder(bench.scratch, 'startup');
  const profiled = await startChild({ ...appChild(bench, 'profile-startup'), nodeFlags: cpuProfileFlags(profileDir) });
  await profiled.stop();

  const lines: string[][] = [];
  const growth: string[] = [];
  for (const [label, options] of [
    ['dart-slack', appChild(bench, 'memory-app')],
    ['baseline', bareBoltChild(bench, 'memory-bare')],
  ] as const) {
    const path = join(bench.scratch, `memory-${label}.json`);
    const probe = memoryProbe(path);
    const child = await startChild({ ...options, nodeFlags: probe.nodeFlags, env: { ...options.env, ...probe.env } });
    try {
      await sleep(FOOTPRINT.settleMs);
      const rssBefore = child.rssMiB();
      const before = await readMemory(child, path);
      lines.push(memoryLine(label, 'after start-up', rssBefore, before));
      await loadLikeScenarios(bench, child.origin, async () => {
        await sleep(FOOTPRINT.settleMs);
        lines.push(memoryLine(label, 'after the slash commands', child.rssMiB(), await readMemory(child, path)));
      });
      await sleep(FOOTPRINT.settleMs);
      const rssAfter = child.rssMiB();
      const after = await readMemory(child, path);
      lines.push(memoryLine(label, 'after the webhooks too', rssAfter, after));
      const kept = (after.afterGc.heapUsed - before.afterGc.heapUsed) / 2 ** 20;
      growth.push(
        `${label}: RSS ${rssAfter - rssBefore >= 0 ? '+' : ''}${mib(rssAfter - rssBefore)} over the load, of which the live heap (what a full GC cannot free) ${kept >= 0 ? '+' : ''}${mib(kept)}`,
      );
    } finally {
      await child.stop();
    }
  }
  return [
    'Memory as each process sees it (`process.memoryUsage()` through bench/memory-probe.ts, preloaded only in these explaining runs; "live heap" is after a full GC). RSS minus the heap is code, Node itself and native buffers:',
    markdownTable(
      ['process', 'when', 'RSS', 'heap total', 'of which young generation', 'heap used', 'live heap', 'external + array buffers'],
      lines,
    ),
    `${growth.join('; ')}. RSS growth beyond the live heap's is heap that V8 grew under allocation pressure and has not given back (see heap total and its young generation), or native memory: not JavaScript objects kept.`,
    'Profile of the app\'s start-up in a child process (`node --cpu-prof`, spawn to ready, then stopped). At start-up "node internals" is mostly module resolution and loading, "node\'s amaro" and "wasm" mostly TypeScript type stripping (`npm start` runs the built JavaScript and skips it):',
    profileTables(summarizeProfile(readProfile(profileDir))),
  ];
}

/**
 * Scenario 1's slash commands (DART slow, lookups and replies waited for),
 * then `between`, then scenario 2's webhooks.
 */
async function loadLikeScenarios(bench: Bench, origin: string, between: () => Promise<void> = async () => {}): Promise<LoadResult[]> {
  bench.dart.setLatency(SLASH_LOAD.dartLatencyMs);
  try {
    const sent: SentCommands = new Set();
    const slash = await driveSlashCommands(bench, origin, sent);
    await waitForAnswers(bench, sent, SLASH_LOAD.drainTimeoutMs);
    bench.dart.setLatency(0);
    await between();
    return [slash, await driveWebhooks(origin)];
  } finally {
    bench.dart.setLatency(0);
  }
}

function memoryLine(label: string, when: string, rssMiB: number, reading: MemoryReading): string[] {
  const { before, afterGc, newSpace } = reading;
  return [
    label,
    when,
    mib(rssMiB),
    mib(before.heapTotal / 2 ** 20),
    mib(newSpace / 2 ** 20),
    mib(before.heapUsed / 2 ** 20),
    mib(afterGc.heapUsed / 2 ** 20),
    mib((before.external + before.arrayBuffers) / 2 ** 20),
  ];
}

/** Starts the target a few times, then loads the last one. */
async function measure(bench: Bench, options: (name: string) => ChildOptions): Promise<Footprint> {
  const startupMs: number[] = [];
  const rssAfterStartMiB: number[] = [];
  for (let i = 1; ; i++) {
    const child = await startChild(options(`footprint-${i}`));
    try {
      startupMs.push(child.startupMs);
      await sleep(FOOTPRINT.settleMs);
      rssAfterStartMiB.push(child.rssMiB());
      if (i < FOOTPRINT.startups) continue;
      const [slash, webhooks] = await loadLikeScenarios(bench, child.origin);
      await sleep(FOOTPRINT.settleMs);
      return {
        startupMs,
        rssAfterStartMiB,
        rssAfterLoadMiB: child.rssMiB(),
        load: [`slash commands: ${describeLoad(slash!)}.`, `webhooks: ${describeLoad(webhooks!)}.`],
      };
    } finally {
      await child.stop();
    }
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mib = (value: number) => `${value.toFixed(1)} MiB`;
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));
