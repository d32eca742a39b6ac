import { ConfigError, loadConfig, readEnvironment } from './config/load.ts';
import { startApp } from './app/start.ts';
import { SlackTokenRefusedError } from './slack/identity.ts';
import { createLogger } from './util/logger.ts';

/** `npm start`: configuration from the environment (and `.env`), then the app until SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`dart-slack cannot start; fix the environment:\n${error.message}\n`);
    process.exit(78); // EX_CONFIG
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
    const message = error instanceof SlackTokenRefusedError ? error.message : `start-up failed: ${String(error)}`;
    logger.fatal(message);
    process.stderr.write(`dart-slack cannot start: ${message}\n`);
    await app.stop();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dart-slack crashed during start-up: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
