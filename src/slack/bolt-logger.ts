import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../util/logger.ts';

const PAYLOAD_LINE =
  /^(http request (body|result):|Received a message on the WebSocket|Unable to parse an incoming WebSocket message|Calling ack\(\)|Sending a WebSocket message)/;

/** Bolt and the Slack SDKs log through our pino logger, so every line is JSON and redacted. */
export function slackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack-sdk' });
  const join = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: (...parts) => {
      const line = join(parts);
      // The Web API and Socket Mode clients log whole payloads at debug level: messages,
      // modal submissions with a typed password, the modal that shows a generated one.
      // pino cannot redact inside a string, so those lines never go to the logs.
      if (PAYLOAD_LINE.test(line)) return;
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
