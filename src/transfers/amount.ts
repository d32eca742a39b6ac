import { z } from 'zod';
import { formatMoney, centsToDecimal, parseDecimalAmount } from '../util/money.ts';

/** The configured bounds on one transfer, in cents. */
export interface TransferLimits {
  /** Largest single transfer (`TRANSFER_MAX_AMOUNT`); anything above is refused. */
  maxCents: bigint;
  /** From this amount up a second treasurer must approve (`TRANSFER_APPROVAL_THRESHOLD`). */
  approvalCents: bigint;
}

/** An amount ready to be sent: `decimal` is what DART receives (`"50.00"`). */
interface TransferAmount {
  cents: bigint;
  decimal: string;
}

export type ParsedTransferAmount = ({ ok: true } & TransferAmount) | { ok: false; reason: string };

/**
 * Reads an amount a treasurer typed, refusing with a reason a person can act on: anything
 * `parseDecimalAmount` refuses (zero, signs, exponents, currency signs or words, a third
 * decimal) and anything above `TRANSFER_MAX_AMOUNT`.
 */
export function parseTransferAmount(text: string, limits: TransferLimits): ParsedTransferAmount {
  const parsed = parseDecimalAmount(text);
  if (!parsed.ok) return parsed;
  if (parsed.cents > limits.maxCents) {
    const max = formatMoney(centsToDecimal(limits.maxCents));
    return { ok: false, reason: `the largest single transfer is ${max} (TRANSFER_MAX_AMOUNT)` };
  }
  return parsed;
}

/**
 * `parseTransferAmount` as a zod schema for command words and modal fields; its output is
 * the decimal string sent to DART.
 */
export function transferAmountSchema(limits: TransferLimits): z.ZodType<string, string> {
  return z.string().transform((text, context) => {
    const parsed = parseTransferAmount(text, limits);
    if (parsed.ok) return parsed.decimal;
    context.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  });
}

/** True when a transfer of `decimal` needs a second treasurer's approval. */
export function needsApproval(decimal: string, limits: TransferLimits): boolean {
  const parsed = parseDecimalAmount(decimal);
  // An amount that does not parse never reaches here; asking for approval is the safe side.
  return !parsed.ok || parsed.cents >= limits.approvalCents;
}
