/**
 * Runs the app (as `npm start` does: package.json's start script) or the bare Bolt baseline in a child process, so that its
 * memory is its own: start-up time to a 200 from `/healthz`, resident memory from
 * `/proc/<pid>/status`, and optionally a CPU profile (`node --cpu-prof`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/sandbox/free-port.ts';
import { npmStartArguments } from '../test/support/npm-start.ts';
import { profileTables, summarizeProfile, type CpuProfile } from './profile.ts';
import { appEnvironment, BENCH_SECRETS, type Bench } from './setup.ts';

const npmStart = npmStartArguments();

/** The app's arguments to Node (what `npm start` runs) and the baseline's entry point, as absolute paths. */
const ENTRY_POINTS = {
  app: [...npmStart.options, fileURLToPath(new URL(`../${npmStart.script}`, import.meta.url))],
  bareBolt: fileURLToPath(new URL('./bare-bolt.ts', import.meta.url)),
  memoryProbe: fileURLToPath(new URL('./memory-probe.ts', import.meta.url)),
} as const;

/** How to start one child. */
export interface ChildOptions {
  /** Node's arguments: the target's own options, then its script. */
  command: readonly string[];
  /** The child's whole environment (PORT is added); nothing is inherited but PATH. */
  env: Record<string, string>;
  /** Working folder: a scratch folder, so that no developer's `.env` is read. */
  cwd: string;
  /** Written there: the child's stdout and stderr. */
  logPath: string;
  /** Node options before the command's, e.g. `--cpu-prof` (none for measured runs). */
  nodeFlags?: string[];
  /** Give up waiting for `/healthz` after this long; default 30 s. */
  readyTimeoutMs?: number;
}

/** A child that answered `/healthz` with 200. */
export interface RunningChild {
  pid: number;
  /** e.g. `http://127.0.0.1:PORT` */
  origin: string;
  /** From spawn to the first 200 from `/healthz`. */
  startupMs: number;
  /** Resident memory now, in MiB (VmRSS). */
  rssMiB(): number;
  /** SIGTERM, then SIGKILL if it is still there after 10 s. */
  stop(): Promise<void>;
}

/** Children still running, killed if this process exits without stopping them (a crash). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns the child and waits until `/healthz` answers 200. */
export async function startChild(options: ChildOptions): Promise<RunningChild> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.command], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logPath);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = started + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (gone) throw new Error(`${options.command.join(' ')} exited before it was ready; see ${options.logPath}`);
    if (performance.now() > deadline) {
      await terminate(child, exited);
      throw new Error(`${options.command.join(' ')} was not ready within ${options.readyTimeoutMs ?? 30_000} ms; see ${options.logPath}`);
    }
    if ((await healthStatus(origin)) === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startupMs = performance.now() - started;
  const pid = child.pid!;
  return {
    pid,
    origin,
    startupMs,
    rssMiB: () => residentMiB(pid),
    stop: () => terminate(child, exited),
  };
}

/** The newest CPU profile written into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort();
  const newest = files.at(-1);
  if (newest === undefined) throw new Error(`no .cpuprofile was written in ${dir}`);
  return JSON.parse(readFileSync(join(dir, newest), 'utf8')) as CpuProfile;
}

/** Node options that make a child write a CPU profile into `dir` when it exits. */
export function cpuProfileFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** A fresh folder for one profile. */
export function profileFolder(parent: string, name: string): string {
  const dir = join(parent, `profile-${name}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** VmRSS of a process, in MiB (Linux). */
function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function healthStatus(origin: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined; // not listening yet
  }
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The app as `npm start` runs it, against the bench's stand-ins, on a fresh database file
 * (or with `env` over that environment: a variable set to undefined is left out).
 */
export function appChild(bench: Bench, name: string, env: Record<string, string | undefined> = {}): ChildOptions {
  const { PORT: _port, ...base } = appEnvironment(bench);
  const merged = Object.entries({ ...base, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { command: ENTRY_POINTS.app, env: Object.fromEntries(merged), cwd: bench.scratch, logPath: join(bench.scratch, `${name}.log`) };
}

/** The bare Bolt baseline, against the same Slack stand-in. */
export function bareBoltChild(bench: Bench, name: string): ChildOptions {
  return {
    command: [ENTRY_POINTS.bareBolt],
    env: {
      SLACK_BOT_TOKEN: BENCH_SECRETS.botToken,
      SLACK_SIGNING_SECRET: BENCH_SECRETS.signingSecret,
      SLACK_API_URL: bench.slack.apiUrl,
      // It makes the app's DART lookup after each ack too, so both carry the same load.
      DART_API_URL: bench.dart.url,
      DART_API_TOKEN: BENCH_SECRETS.dartToken,
    },
    cwd: bench.scratch,
    logPath: join(bench.scratch, `${name}.log`),
  };
}

/**
 * Runs the app in a child under `node --cpu-prof` while `work` drives it, stops it, and
 * summarises where its CPU time went from the start of `work` on (Markdown). The app alone
 * is profiled: the load generator and the stand-ins run in this process.
 */
export async function profileApp(
  bench: Bench,
  name: string,
  work: (origin: string) => Promise<void>,
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const profileDir = profileFolder(bench.scratch, name);
  const child = await startChild({ ...appChild(bench, `profile-${name}`, env), nodeFlags: cpuProfileFlags(profileDir) });
  // Same clock as the profile's timestamps, so start-up can be left out of the summary.
  const loadStarted = Number(process.hrtime.bigint() / 1000n);
  try {
    await work(child.origin);
  } finally {
    await child.stop();
  }
  return profileTables(summarizeProfile(readProfile(profileDir), { fromMicros: loadStarted }));
}

/**
 * `process.memoryUsage()` of a child, before and after a full garbage collection, and the
 * size of V8's young generation (new space) before it, in bytes.
 */
export interface MemoryReading {
  before: NodeJS.MemoryUsage;
  afterGc: NodeJS.MemoryUsage;
  newSpace: number;
}

/** Node options and environment that preload bench/memory-probe.ts, answering on `path`. */
export function memoryProbe(path: string): { nodeFlags: string[]; env: Record<string, string> } {
  return { nodeFlags: ['--expose-gc', '--import', ENTRY_POINTS.memoryProbe], env: { BENCH_MEMORY_PROBE: path } };
}

/** Asks a child started with `memoryProbe(path)` for its memory (SIGUSR2) and reads the answer. */
export async function readMemory(child: RunningChild, path: string): Promise<MemoryReading> {
  rmSync(path, { force: true });
  process.kill(child.pid, 'SIGUSR2');
  const deadline = performance.now() + 5000;
  while (!existsSync(path)) {
    if (performance.now() > deadline) throw new Error(`the memory probe of pid ${child.pid} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return JSON.parse(readFileSync(path, 'utf8')) as MemoryReading;
}
