import { describe, expect, it } from 'vitest';
import { centsToDecimal, formatDecimal, formatMoney, parseDecimalAmount } from '../../src/util/money.ts';

describe('parseDecimalAmount', () => {
  it.each([
    ['50', 5000n, '50.00'],
    ['50.5', 5050n, '50.50'],
    ['1,000.00', 100000n, '1000.00'],
    ['0.01', 1n, '0.01'],
    ['12,345,678.9', 1234567890n, '12345678.90'],
    [' 7 ', 700n, '7.00'],
  ])('%s is %s cents', (input, cents, decimal) => {
    expect(parseDecimalAmount(input)).toEqual({ ok: true, cents, decimal });
  });

  it.each([
    ['0', 'more than 0'],
    ['0.00', 'more than 0'],
    ['-5', 'positive'],
    ['1e3', 'plain digits'],
    ['50.123', '2 decimal places'],
    ['fifty', 'plain digits'],
    ['50 USDC', 'plain digits'],
    ['$50', 'plain digits'],
    ['1,00', 'plain digits'],
    ['', 'no amount'],
    ['.5', 'plain digits'],
    ['Infinity', 'plain digits'],
  ])('refuses %s', (input, reason) => {
    const parsed = parseDecimalAmount(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('keeps amounts far beyond float precision exact', () => {
    const parsed = parseDecimalAmount('90071992547409931.99');
    expect(parsed.ok && parsed.decimal).toBe('90071992547409931.99');
  });
});

describe('formatting', () => {
  it('groups thousands and keeps at least two decimals without rounding', () => {
    expect(formatDecimal('980.04')).toBe('980.04');
    expect(formatDecimal('49.2500')).toBe('49.25');
    expect(formatDecimal('1234567')).toBe('1,234,567.00');
    expect(formatDecimal('0.123')).toBe('0.123');
    expect(formatDecimal('-1500.5')).toBe('-1,500.50');
    expect(formatMoney('12500.00')).toBe('12,500.00 USDC');
    expect(centsToDecimal(5n)).toBe('0.05');
  });

  it('returns what is not a decimal as DART sent it', () => {
    expect(formatDecimal('n/a')).toBe('n/a');
  });
});
