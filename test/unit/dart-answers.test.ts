import { describe, expect, it } from 'vitest';
import { notFoundSubject, retryAfterMs, writeSuccess } from '../../src/dart/answers.ts';

describe('writeSuccess: what counts as a 2xx success for a write', () => {
  it('takes DART’s documented plain strings', () => {
    for (const text of [
      'Customer Created Successfully.',
      'Customer Updated Successfully.',
      'Customer Tsp Access Disabled',
      'Customer Tsp Access Enabled',
    ]) {
      expect(writeSuccess(JSON.stringify(text))).toBe(text);
    }
  });

  it('takes an object only with an explicit sign of success', () => {
    expect(writeSuccess('{"success":true,"message":"Amount transferred"}')).toBe('Amount transferred');
    expect(writeSuccess('{"status":"success"}')).toBe('{"status":"success"}');
    expect(writeSuccess('{"message":"Amount transferred"}')).toBe('Amount transferred');
    expect(writeSuccess('{"data":1}')).toBeUndefined();
  });

  it('refuses anything that reads as an error or cannot be read', () => {
    for (const text of [
      '{"success":false,"error":"Insufficient partner balance"}',
      '{"success":true,"error":"Insufficient partner balance"}',
      '{"status":"error","message":"x"}',
      '{"status":"failed"}',
      '{"errors":{"amount":["too much"]}}',
      '{"message":"Insufficient partner balance"}',
      '"Customer not found."',
      '"Transfer failed"',
      '""',
      '',
      'OK',
      '<html></html>',
      '1',
      'null',
      '[]',
    ]) {
      expect(writeSuccess(text), text).toBeUndefined();
    }
  });
});

describe('notFoundSubject: DART’s own 404', () => {
  it('names what DART did not find', () => {
    expect(notFoundSubject('{"message":"Customer not found."}')).toEqual({ missing: 'customer', message: 'Customer not found.' });
    expect(notFoundSubject('{"message":"Token not found."}')).toEqual({ missing: 'token', message: 'Token not found.' });
  });

  it('is not an HTML page, an unknown route or an unrelated body', () => {
    for (const text of [
      '<html>404</html>',
      '{"message":"Not found."}',
      '{"message":"Not Found"}',
      '{"message":"The route api/x could not be found."}',
      '{"error":"x"}',
      '',
    ]) {
      expect(notFoundSubject(text), text).toBeUndefined();
    }
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });
});
