import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDartSandbox, type DartSandbox } from './dart/server.ts';
import { createSlackStandin, type SlackStandin } from './slack/standin.ts';

/** The DART sandbox and the Slack stand-in on 127.0.0.1, and a scratch folder removed on stop. */
export interface Standins {
  dart: DartSandbox;
  slack: SlackStandin;
  /** A fresh folder for databases, logs and profiles. */
  scratch: string;
  /** A new SQLite file path under `scratch`, never used before. */
  databasePath(): string;
  stop(): Promise<void>;
}

/**
 * Starts both stand-ins for runs that start the app several times against them (restarts,
 * several instances, benchmarks), each app on its own database file.
 */
export async function startStandins(options: { botToken: string; dartToken: string; folderPrefix: string }): Promise<Standins> {
  const dart = createDartSandbox({ token: options.dartToken });
  const slack = createSlackStandin({ botToken: options.botToken });
  await Promise.all([dart.start(), slack.start()]);
  const scratch = mkdtempSync(join(tmpdir(), options.folderPrefix));
  let databases = 0;
  return {
    dart,
    slack,
    scratch,
    databasePath: () => join(scratch, `app-${++databases}.db`),
    async stop() {
      await Promise.all([slack.stop(), dart.stop()]);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
