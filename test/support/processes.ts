import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: scripts are started by absolute path from here. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A child process a test started, with everything it printed so far. */
export interface StartedChild {
  child: ChildProcess;
  /** stdout and stderr, as printed so far. */
  readonly output: string;
  /** Resolves with the exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** The empty working directory it was started in (a `.env` may be written there). */
  cwd: string;
}

const started: Array<{ child: ChildProcess; cwd: string }> = [];

/**
 * Starts `node [nodeOptions] <script>` hermetically: only `env` (plus PATH) as its environment, and an
 * empty temporary working directory, so no developer `.env` or variable reaches it.
 * The child's TMPDIR is that directory as well. `stdin` is written and closed (`'open'` leaves it open). `stopChildren` (call it in afterEach) ends it and removes the directory.
 */
export function startNode(
  script: string,
  env: Record<string, string>,
  options: { stdin?: string | 'open'; prepare?: (cwd: string) => void; nodeOptions?: readonly string[] } = {},
): StartedChild {
  const cwd = mkdtempSync(join(tmpdir(), 'dart-slack-child-'));
  options.prepare?.(cwd);
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), join(ROOT, script)], {
    cwd,
    // Its temporary files go in its own folder too, so whatever it leaves is removed with it.
    env: { PATH: process.env.PATH ?? '', TMPDIR: cwd, ...env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  started.push({ child, cwd });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  if (options.stdin !== undefined && options.stdin !== 'open') child.stdin?.end(options.stdin);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    get output() {
      return output;
    },
    exited,
    cwd,
  };
}

/** Ends a child: SIGTERM, then SIGKILL if it has not exited 5 s later. */
async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Ends every child `startNode` started and removes their working directories. */
export async function stopChildren(): Promise<void> {
  for (const { child, cwd } of started.splice(0)) {
    await endChild(child);
    rmSync(cwd, { recursive: true, force: true });
  }
}
