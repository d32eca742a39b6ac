import type { SQLInputValue } from 'node:sqlite';
import { centsToDecimal, formatMoney } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';

/**
 * A rule that must hold, under today's configuration, for a transfer to move to
 * `executing`. Every rule is a SQL condition on the `transfers` row, ANDed into the one
 * compare-and-set statement that makes the move, so it is checked atomically with it
 * (whatever instance each click reaches). A rule that needs other rows (a freeze, a daily
 * limit) is a subquery in its condition.
 */
export interface ExecutionRule {
  /** SQL over the row's columns (e.g. `amount_cents`); `?` placeholders take `values`, in order. */
  condition: string;
  values: SQLInputValue[];
  /** Why the transfer is refused when the condition fails (mrkdwn, shown on its message). */
  refusal: string;
}

/** What the rules read from the configuration. */
export interface ExecutionPolicy {
  limits: TransferLimits;
  /** `TRANSFER_CONFIRM_MINUTES`: how long a confirmation stays valid. */
  confirmMinutes: number;
}

/**
 * The request-time rules, again at execution: the maximum, the approval threshold (a
 * transfer requested for its requester to confirm alone that now needs a second treasurer
 * is refused) and the confirmation window. Expiry as stored and who may act are part of
 * the move itself (`TransferStore.startExecution`).
 */
export function executionRules({ limits, confirmMinutes }: ExecutionPolicy, now: Date): ExecutionRule[] {
  const money = (cents: bigint) => formatMoney(centsToDecimal(cents));
  return [
    {
      condition: 'amount_cents <= ?',
      values: [limits.maxCents],
      refusal: `the largest single transfer is now ${money(limits.maxCents)} (TRANSFER_MAX_AMOUNT)`,
    },
    {
      condition: 'needs_approval = 1 OR amount_cents < ?',
      values: [limits.approvalCents],
      refusal: `from ${money(limits.approvalCents)} a second treasurer must now approve (TRANSFER_APPROVAL_THRESHOLD), and this transfer was requested to be confirmed by its requester alone`,
    },
    {
      condition: 'requested_at + ? > ?',
      values: [confirmMinutes * 60_000, now.getTime()],
      refusal: `a confirmation is now valid for ${confirmMinutes} minutes (TRANSFER_CONFIRM_MINUTES), and this one is older`,
    },
  ];
}
