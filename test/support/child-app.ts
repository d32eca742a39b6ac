import { baseEnvironment } from './harness.ts';
import { startNode, type StartedChild } from './processes.ts';

/** The app as `npm start` runs it (`node src/main.ts`), started hermetically by `startNode`. */
export interface ChildApp extends StartedChild {
  url: string;
}

/**
 * Starts `node src/main.ts` with the base environment and `env` on a free-ish port, and
 * waits until `readyPath` answers 200. A variable set to undefined in `env` is left out
 * (e.g. the base `DATABASE_PATH` when the app is given `DATABASE_URL`). End it with `stopChildren` (afterEach).
 */
export async function startChildApp(env: Record<string, string | undefined>, options: { readyPath?: string } = {}): Promise<ChildApp> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const run = startNode('src/main.ts', defined({ ...baseEnvironment(), PORT: String(port), LOG_LEVEL: 'info', ...env }));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    const status = await fetch(`${url}${options.readyPath ?? '/readyz'}`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return Object.assign(run, { url });
    if (attempt > 300 || run.child.exitCode !== null) throw new Error(`app did not become ready:\n${run.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function defined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
