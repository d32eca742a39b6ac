/**
 * Money is handled as decimal strings and, for comparisons, integer hundredths (bigint):
 * never as a JavaScript number, so no amount is ever rounded through a float.
 */

export type ParsedAmount = { ok: true; cents: bigint; decimal: string } | { ok: false; reason: string };

// Plain digits, or digits grouped by commas in threes after a first group that does not start
// with 0 ("0,050" is a European 0.05, not 50); at most 2 decimal places.
const AMOUNT_PATTERN = /^(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$/;

/**
 * Reads an amount a person typed (`50`, `50.5`, `1,000.00`). Refuses anything else with
 * a reason a person can act on: signs, exponents, currency words, a third decimal.
 */
export function parseDecimalAmount(input: string): ParsedAmount {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'no amount given' };
  if (/^-/.test(text)) return { ok: false, reason: 'the amount must be positive' };
  if (/^\d*\.\d{3,}$/.test(text.replaceAll(',', ''))) return { ok: false, reason: 'at most 2 decimal places' };
  if (!AMOUNT_PATTERN.test(text)) {
    return { ok: false, reason: 'write the amount as plain digits, like 50, 50.5 or 1,000.00' };
  }
  const [whole = '0', fraction = ''] = text.replaceAll(',', '').split('.');
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (cents === 0n) return { ok: false, reason: 'the amount must be more than 0' };
  return { ok: true, cents, decimal: centsToDecimal(cents) };
}

/** `5050n` → `"50.50"`: the form sent to DART. */
export function centsToDecimal(cents: bigint): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${fraction}`;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Formats a decimal string from DART for people: thousands separators and at least two
 * decimals. Extra decimals are kept when they carry value (`49.2500` → `49.25`,
 * `0.123` stays `0.123`): trailing zeros are dropped, digits never rounded. A value that
 * is not a decimal is returned as DART sent it.
 */
export function formatDecimal(value: string): string {
  const match = DECIMAL.exec(value.trim());
  if (!match) return value;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const grouped = BigInt(whole)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${grouped}.${trimmed}`;
}

/** `formatDecimal` with the currency after it, e.g. `1,000.50 USDC`. */
export function formatMoney(value: string, currency = 'USDC'): string {
  return `${formatDecimal(value)} ${currency}`;
}

/** An amount in hundredths for people, e.g. `100000n` → `1,000.00 USDC` (limits and sums). */
export function formatCents(cents: bigint): string {
  return formatMoney(centsToDecimal(cents));
}
