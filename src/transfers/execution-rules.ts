import { centsToDecimal, formatMoney } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';

/**
 * What a rule checks, as data: each storage engine turns every kind into a condition of the
 * one compare-and-set that moves a transfer to `executing` (`TransferRepository.startExecution`),
 * so the rules are checked atomically with the move, whatever instance each click reaches.
 * A kind may read other rows (a freeze, the sum of recent transfers) as long as the engine
 * checks it inside that same statement or transaction.
 */
export type RuleCheck =
  /** The amount is at most `cents`. */
  | { kind: 'max_amount'; cents: bigint }
  /** Below `cents`, or requested as needing a second treasurer. */
  | { kind: 'approval_threshold'; cents: bigint }
  /** Requested less than `ms` before the move's (or refusal's) `now`. */
  | { kind: 'confirm_window'; ms: number };

/** A rule that must hold, under today's configuration, for a transfer to move to `executing`. */
export interface ExecutionRule {
  check: RuleCheck;
  /** Why the transfer is refused when the check fails (mrkdwn, shown on its message). */
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
 * the move itself (`TransferRepository.startExecution`).
 */
export function executionRules({ limits, confirmMinutes }: ExecutionPolicy): ExecutionRule[] {
  const money = (cents: bigint) => formatMoney(centsToDecimal(cents));
  return [
    {
      check: { kind: 'max_amount', cents: limits.maxCents },
      refusal: `the largest single transfer is now ${money(limits.maxCents)} (TRANSFER_MAX_AMOUNT)`,
    },
    {
      check: { kind: 'approval_threshold', cents: limits.approvalCents },
      refusal: `from ${money(limits.approvalCents)} a second treasurer must now approve (TRANSFER_APPROVAL_THRESHOLD), and this transfer was requested to be confirmed by its requester alone`,
    },
    {
      check: { kind: 'confirm_window', ms: confirmMinutes * 60_000 },
      refusal: `a confirmation is now valid for ${confirmMinutes} minutes (TRANSFER_CONFIRM_MINUTES), and this one is older`,
    },
  ];
}
