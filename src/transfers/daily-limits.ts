import { code, slackDate } from '../slack/mrkdwn.ts';
import { formatCents, parseDecimalAmount } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';
import { DAILY_LIMIT_VARIABLE, DAILY_WINDOW_MS } from './execution-rules.ts';
import type { TransferRepository } from './repository.ts';

/**
 * Why a request for `amount` to `customer` would go over a daily limit (mrkdwn: the limit,
 * what is left, and when more frees up), or undefined when it fits. `names` are all the
 * user names DART's renames link to the customer (its own included): what went to any of
 * them counts. Checked at request so a treasurer is told at once; the move to executing checks the limits again, atomically.
 */
export async function dailyRoom(
  store: TransferRepository,
  limits: TransferLimits,
  customer: string,
  names: readonly string[],
  amount: string,
  now: Date,
): Promise<string | undefined> {
  const parsed = parseDecimalAmount(amount);
  if (!parsed.ok) return undefined;
  const since = new Date(now.getTime() - DAILY_WINDOW_MS);
  for (const scope of ['customer', 'total'] as const) {
    const limit = scope === 'customer' ? limits.dailyCents : limits.dailyTotalCents;
    if (limit === undefined) continue;
    const spent = await store.spentSince(since, scope === 'customer' ? names : undefined);
    const left = limit > spent.cents ? limit - spent.cents : 0n;
    if (parsed.cents <= left) continue;
    const whom = scope === 'customer' ? `to ${code(customer)}` : 'to all customers together';
    const frees = spent.oldest ? `; more frees up ${slackDate(new Date(spent.oldest.getTime() + DAILY_WINDOW_MS))}` : '';
    return `:no_entry_sign: At most ${formatCents(limit)} may go ${whom} in any 24 hours (${DAILY_LIMIT_VARIABLE[scope]}). ${formatCents(spent.cents)} went in the last 24 hours, so at most ${formatCents(left)} may go now${frees}. Nothing was requested.`;
  }
  return undefined;
}
