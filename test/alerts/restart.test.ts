import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Standins } from '../../src/sandbox/standins.ts';
import { baseEnvironment } from '../support/harness.ts';
import { expectShownOnceInOrder, health, postWithdrawals, startRelayStandins, userNames, waitUntil } from '../support/webhooks.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

let standins: Standins;
const children: ChildProcess[] = [];
beforeAll(async () => {
  standins = await startRelayStandins();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await standins.stop();
});

/** Starts the real app (`node src/main.ts`) on a free port; resolves with its URL once it listens. */
async function spawnApp(database: string): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const child = spawn(process.execPath, [MAIN], {
    // The database's folder as working directory, so no developer .env is read.
    cwd: dirname(database),
    env: {
      PATH: process.env.PATH ?? '',
      ...baseEnvironment(),
      DATABASE_PATH: database,
      PORT: '0',
      SLACK_API_URL: standins.slack.apiUrl,
      DART_API_URL: standins.dart.url,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(String(chunk)));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && entry.port) resolve(entry.port);
    });
    child.once('exit', (code) => reject(new Error(`app exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output };
}

/** Ends a child and waits for it; resolves with its exit code (null when killed by the signal). */
function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

it('killed with 10 withdrawals stored and Slack down, then started again: each is shown once, in order', async () => {
  const database = standins.databasePath();
  standins.slack.setDown(true);
  const first = await spawnApp(database);
  // Slack is unreachable, so the app is not ready; DART's webhooks are stored all the same.
  expect((await health(first.url)).status).toBe(503);
  const users = userNames('killed', 10);
  await postWithdrawals(first.url, users);
  expect((await health(first.url)).body.outbox.depth).toBe(10);
  await kill(first.child, 'SIGKILL');

  standins.slack.setDown(false);
  const second = await spawnApp(database);
  await expectShownOnceInOrder(standins.slack, users, 15_000);
  await waitUntil('an empty outbox', async () => (await health(second.url)).body.outbox.depth === 0);
  expect(await kill(second.child, 'SIGTERM')).toBe(0);
});

it('killed while retrying through a Slack outage, then started again: each is shown once, in order', { timeout: 60_000 }, async () => {
  const database = standins.databasePath();
  const first = await spawnApp(database);
  await waitUntil('the app ready', async () => (await health(first.url)).status === 200);
  standins.slack.setDown(true);
  const users = userNames('outage', 10);
  await postWithdrawals(first.url, users);
  await waitUntil('a failed attempt', () => first.output.some((line) => line.includes('alert not delivered yet')));
  await kill(first.child, 'SIGKILL');

  standins.slack.setDown(false);
  const second = await spawnApp(database);
  // Killed mid-post, an event stays leased until its lease (20 s) runs out; otherwise it goes at once.
  await expectShownOnceInOrder(standins.slack, users, 40_000);
  expect(await kill(second.child, 'SIGTERM')).toBe(0);
});
