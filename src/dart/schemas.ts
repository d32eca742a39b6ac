import { z } from 'zod';

/**
 * DART's money fields are decimal strings; some deployments send numbers, whose source text
 * the client keeps (see `DECIMAL_FIELDS`), so a number never goes through a float.
 */
const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount');

/** The fields read with `decimalString`: a JSON number in one of them is kept as the text DART sent. */
export const DECIMAL_FIELDS: ReadonlySet<string> = new Set([
  'initial_amount',
  'current_amount',
  'total_deposit',
  'total_usdc_balance',
  'token_value',
]);

export const customerSchema = z.object({
  first_name: z.string(),
  last_name: z.string(),
  dart_user_name: z.string(),
  email: z.string(),
});
export type Customer = z.infer<typeof customerSchema>;

const tradeScriptSchema = z.object({
  trade_script_name: z.string(),
  initial_amount: decimalString,
  current_amount: decimalString,
  status: z.union([z.number(), z.string()]),
  total_deposit: decimalString,
  activate_date: z.string().nullable(),
});
export type TradeScript = z.infer<typeof tradeScriptSchema>;

export const tradeScriptDetailsSchema = z.object({ data: z.array(tradeScriptSchema) });

export const usdcBalanceSchema = z.object({ total_usdc_balance: decimalString });

export const tokenValueSchema = z.object({ token_value: decimalString });

/** What a write that succeeded answered: its text, as `writeSuccess` (answers.ts) read it. */
export type WriteAnswer = string;

/** The shape of DART's error bodies as a Laravel API sends them; every field optional. */
export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  error: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])).optional(),
});
