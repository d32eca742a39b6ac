import { z } from 'zod';
import { formatCents, parseDecimalAmount } from '../util/money.ts';

/** The configured bounds on one transfer, in cents. */
export interface TransferLimits {
  /** Largest single transfer (`TRANSFER_MAX_AMOUNT`); anything above is refused. */
  maxCents: bigint;
  /** From this amount up a second treasurer must approve (`TRANSFER_APPROVAL_THRESHOLD`). */
  approvalCents: bigint;
  /** From this amount up two treasurers must approve (`TRANSFER_SECOND_APPROVAL_THRESHOLD`), when set. */
  secondApprovalCents: bigint | undefined;
  /** The most to one customer in any 24 hours (`TRANSFER_DAILY_LIMIT`), when set. */
  dailyCents: bigint | undefined;
  /** The most to all customers in any 24 hours (`TRANSFER_DAILY_TOTAL_LIMIT`), when set. */
  dailyTotalCents: bigint | undefined;
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
    const max = formatCents(limits.maxCents);
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

/** How many treasurers other than the requester must approve a transfer of `decimal`: 0, 1 or 2. */
export function approversNeeded(decimal: string, limits: TransferLimits): 0 | 1 | 2 {
  const parsed = parseDecimalAmount(decimal);
  // An amount that does not parse never reaches here; asking for two approvals is the safe side.
  if (!parsed.ok) return 2;
  if (limits.secondApprovalCents !== undefined && parsed.cents >= limits.secondApprovalCents) return 2;
  return parsed.cents >= limits.approvalCents ? 1 : 0;
}

/** True when a transfer of `decimal` needs a second treasurer's approval. */
export function needsApproval(decimal: string, limits: TransferLimits): boolean {
  return approversNeeded(decimal, limits) > 0;
}
