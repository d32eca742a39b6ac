import { baseEnvironment } from './harness.ts';
import { npmStartArguments } from './npm-start.ts';
import { startNode, type StartedChild } from './processes.ts';

/** The app in a process of its own, from its sources (`node src/main.ts`), started hermetically by `startNode`. */
export interface ChildApp extends StartedChild {
  url: string;
}

/**
 * Starts `node src/main.ts` (or, with `npmStart`, exactly what `npm start` runs: the compiled
 * app, built first when stale) with the base environment and `env` on a port the system picks
 * (read from its `listening` log line, so two tests never race for one), and waits until
 * `readyPath` answers 200. A variable set to undefined in `env` is left out
 * (e.g. the base `DATABASE_PATH` when the app is given `DATABASE_URL`). End it with `stopChildren` (afterEach).
 */
export async function startChildApp(
  env: Record<string, string | undefined>,
  options: { readyPath?: string; npmStart?: boolean; readyWithinMs?: number } = {},
): Promise<ChildApp> {
  const environment = defined({ ...baseEnvironment(), PORT: '0', LOG_LEVEL: 'info', ...env });
  const { script, options: nodeOptions } = options.npmStart ? npmStartArguments() : { script: 'src/main.ts', options: [] };
  const run = startNode(script, environment, { nodeOptions });
  const deadline = Date.now() + (options.readyWithinMs ?? 30_000);
  for (;;) {
    const port = listeningPort(run.output);
    const url = `http://127.0.0.1:${port}`;
    const status =
      port === undefined
        ? 0
        : await fetch(`${url}${options.readyPath ?? '/readyz'}`).then(
            (response) => response.status,
            () => 0,
          );
    if (status === 200) return Object.assign(run, { url });
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`app did not become ready:\n${run.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The port in the app's `listening` log line, once it has been written. */
function listeningPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"listening"')) continue;
    const port = (JSON.parse(line) as { port?: unknown }).port;
    if (typeof port === 'number') return port;
  }
  return undefined;
}

function defined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
