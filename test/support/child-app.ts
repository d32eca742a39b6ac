import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { baseEnvironment } from './harness.ts';

/** The app as `npm start` runs it: `node src/main.ts` in a child process. */
export interface ChildApp {
  child: ChildProcess;
  url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGKILLs it if it is still running (for cleanup). */
  kill(): void;
}

/**
 * Starts `node src/main.ts` from `cwd` (the project by default) with the base environment
 * and `env` on a free-ish port, and waits until `readyPath` answers 200.
 */
export async function startChildApp(env: Record<string, string>, options: { cwd?: string; readyPath?: string } = {}): Promise<ChildApp> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: options.cwd ?? new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH, ...baseEnvironment(), PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  const app: ChildApp = { child, url, output: () => output, exited, kill: () => void (child.exitCode === null && child.kill('SIGKILL')) };
  for (let attempt = 0; ; attempt += 1) {
    const status = await fetch(`${url}${options.readyPath ?? '/readyz'}`).then((response) => response.status, () => 0);
    if (status === 200) return app;
    if (attempt > 300 || child.exitCode !== null) {
      app.kill();
      throw new Error(`app did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
