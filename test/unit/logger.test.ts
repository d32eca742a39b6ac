import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../support/captured-logger.ts';

describe('the logger', () => {
  it('blanks secrets in every shape the app logs them, top level, nested, in child bindings and in errors', () => {
    const { logger, logs } = capturedLogger();
    logger.info({ token: 's1', botToken: 's2', authorization: 'Bearer s3', password: 's4', secret: 's5', DART_API_TOKEN: 's6' }, 'top');
    logger.info(
      { request: { token: 's7', authorization: 's8', headers: { authorization: 's9' } }, form: { fields: { password: 's10' } } },
      'nested',
    );
    logger.child({ options: { secret: 's11', botToken: 's12' } }).warn('child');
    logger.error({ err: Object.assign(new Error('boom'), { headers: { authorization: 's13' }, token: 's14' }) }, 'error');
    const output = logs.join('');
    for (let i = 1; i <= 14; i++) expect(output).not.toMatch(new RegExp(`"s${i}"|Bearer s${i}`));
    expect(output.match(/\[redacted\]/g)?.length).toBe(14);
  });
});
