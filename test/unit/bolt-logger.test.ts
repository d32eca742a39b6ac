import { describe, expect, it } from 'vitest';
import { slackLogger } from '../../src/slack/bolt-logger.ts';
import { capturedLogger } from '../support/captured-logger.ts';

describe('the Slack SDKs’ logger', () => {
  it('never writes the payload lines the SDKs log at debug level (they carry typed and generated passwords)', () => {
    const { logger: appLogger, logs: lines } = capturedLogger('debug');
    const logger = slackLogger(appLogger);
    const payload = '{"view":{"state":{"values":{"password":{"value":{"value":"Hunter2-secret!"}}}}}}';
    logger.debug(`http request body: ${payload}`);
    logger.debug(`http request result: ${payload}`);
    logger.debug(`Received a message on the WebSocket: ${payload}`);
    logger.debug(`Calling ack() - type: interactive, envelope_id: 1, data: ${payload}`);
    logger.debug(`Sending a WebSocket message: ${payload}`);
    logger.debug(`Unable to parse an incoming WebSocket message (will ignore): SyntaxError, ${payload}`);
    logger.debug('WebSocket open event received (connection established)!');
    expect(lines.join('')).not.toContain('Hunter2-secret!');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('connection established');
  });
});
