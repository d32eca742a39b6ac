import { z } from 'zod';
import type { ParseResult } from './routes.ts';

/** What a DART user name may look like here: no spaces, no markup, at most 64 characters. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** A DART user name as typed after `/dart …`. */
export const userNameSchema = z
  .string()
  .regex(USER_NAME_PATTERN, 'a DART user name is letters, digits and . _ - @ + (no spaces), at most 64 characters');

/** A custom token name such as `Chaos`. */
export const tokenNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'a token name is letters and digits, at most 32 characters');

/**
 * Checks that exactly the named arguments were given and that each passes its schema;
 * returns them in order, or an error that names what is wrong.
 */
export function parseWords<const Names extends readonly string[]>(
  words: string[],
  spec: { [K in keyof Names]: readonly [name: Names[K], schema: z.ZodType<string>] },
): ParseResult<{ [K in keyof Names]: string }> {
  const missing = spec.slice(words.length).map(([name]) => `<${name}>`);
  if (missing.length > 0) return { ok: false, error: `Missing ${missing.join(' and ')}.` };
  if (words.length > spec.length) return { ok: false, error: `Too many arguments: ${words.slice(spec.length).join(' ')}` };
  const values: string[] = [];
  for (const [index, [name, schema]] of spec.entries()) {
    const checked = schema.safeParse(words[index]);
    if (!checked.success) return { ok: false, error: `Bad <${name}>: ${checked.error.issues[0]?.message ?? 'not accepted'}.` };
    values.push(checked.data);
  }
  return { ok: true, args: values as { [K in keyof Names]: string } };
}
