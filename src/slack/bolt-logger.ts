import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../util/logger.ts';

/** Bolt and the Slack SDKs log through our pino logger, so every line is JSON and redacted. */
export function slackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack-sdk' });
  const join = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: (...parts) => {
      const line = join(parts);
      // The Web API client logs whole request and response bodies at debug level: messages,
      // modals, and the one modal that shows a generated password. Those never go to logs.
      if (/^http request (body|result):/.test(line)) return;
      child.debug(line);
    },
    info: (...parts) => child.info(join(parts)),
    warn: (...parts) => child.warn(join(parts)),
    error: (...parts) => child.error(join(parts)),
    // Levels follow LOG_LEVEL; the SDKs may not change them.
    setLevel: () => {},
    getLevel: () => (child.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => {},
  };
}
