import { type Config, ConfigError, loadConfig, readEnvironment } from './config/load.ts';
import { startApp } from './app/start.ts';
import { SlackTokenRefusedError } from './slack/identity.ts';
import { createLogger } from './util/logger.ts';

/** sysexits.h's EX_CONFIG: every configuration problem, including a token Slack refuses. */
const EX_CONFIG = 78;

/** `npm start`: configuration from the environment (and `.env`), then the app until SIGTERM. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`dart-slack cannot start; fix the environment:\n${error.message}\n`);
    process.exit(EX_CONFIG);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await app.ready;
  } catch (error) {
    if (stopping) return;
    const refused = error instanceof SlackTokenRefusedError;
    const message = refused ? error.message : `start-up failed: ${String(error)}`;
    logger.fatal(message);
    process.stderr.write(`dart-slack cannot start: ${message}\n`);
    await app.stop();
    // A token Slack refuses is fixed by changing the configuration, like any other bad value.
    process.exit(refused ? EX_CONFIG : 1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dart-slack crashed during start-up: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
