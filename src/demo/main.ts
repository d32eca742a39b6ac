/**
 * `npm run demo`: the whole product on this machine, with no Slack workspace, no DART
 * account and no configuration. Starts the DART sandbox, the Slack stand-in and the real
 * app (see world.ts), runs the console on this terminal (or on piped input, as a script),
 * and stops everything on `exit`, Ctrl-C, SIGTERM or the end of input.
 */
import { runConsole } from './console.ts';
import { startDemoWorld, type RunningDemo } from './world.ts';

async function main(): Promise<void> {
  let world: RunningDemo;
  try {
    world = await startDemoWorld();
  } catch (error) {
    process.stderr.write(`The demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= world.stop());
  const onSignal = (): void => {
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let status = 1;
  try {
    status = await runConsole({ input: process.stdin, output: process.stdout, world });
  } finally {
    await stop();
  }
  process.stdout.write(`Stopped. The app's logs are kept in ${world.logFile}\n`);
  // Everything is closed; exit rather than wait for stdin, which a terminal keeps open.
  // A script that went wrong (said on screen, with its line) fails the run.
  process.exit(status);
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
