import { describe, expect, it } from 'vitest';
import { notFoundSubject, retryAfterMs, writeSuccess } from '../../src/dart/answers.ts';

describe('writeSuccess: what counts as a 2xx success for a write', () => {
  const transfer = 'customer/transfer-amount';

  it('takes DART’s documented plain strings', () => {
    for (const [endpoint, text] of [
      ['customer/create', 'Customer Created Successfully.'],
      ['customer/update', 'Customer Updated Successfully.'],
      ['customer/update-tsp-status', 'Customer Tsp Access Disabled'],
      ['customer/update-tsp-status', 'Customer Tsp Access Enabled'],
      ['customer/transfer-amount', 'Amount Transferred Successfully.'],
    ]) {
      expect(writeSuccess(JSON.stringify(text), endpoint ?? '')).toBe(text);
    }
  });

  it('does not take "Disabled" as a success outside the trade-script endpoint', () => {
    expect(writeSuccess('"Customer Disabled"', 'customer/transfer-amount')).toBeUndefined();
  });

  it('takes an object only with an explicit sign of success', () => {
    expect(writeSuccess('{"success":true,"message":"Amount transferred"}', transfer)).toBe('Amount transferred');
    expect(writeSuccess('{"status":"success"}', transfer)).toBe('{"status":"success"}');
    expect(writeSuccess('{"message":"Amount transferred"}', transfer)).toBeUndefined();
    expect(writeSuccess('{"data":1}', transfer)).toBeUndefined();
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
      '"Transfer unsuccessful."',
      '"Not enough balance."',
      '"Transaction declined."',
      '"Amount exceeds the available balance."',
      '"Transfer successful? No."',
      '"Done."',
      '{"message":"Customer is not active."}',
      '{"success":true,"message":"Transfer unsuccessful."}',
      '""',
      '',
      'OK',
      '<html></html>',
      '1',
      'null',
      '[]',
    ]) {
      expect(writeSuccess(text, transfer), text).toBeUndefined();
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
