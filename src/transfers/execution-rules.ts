import { formatCents } from '../util/money.ts';
import type { TransferLimits } from './amount.ts';

/** Any rolling 24 hours, for the daily limits. */
export const DAILY_WINDOW_MS = 24 * 3_600_000;

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
  /** Below `cents`, or requested as needing two approvers. */
  | { kind: 'second_approval_threshold'; cents: bigint }
  /** Requested less than `ms` before the move's (or refusal's) `now`. */
  | { kind: 'confirm_window'; ms: number }
  /** No freeze is in force. */
  | { kind: 'not_frozen' }
  /**
   * Neither the requester nor the first approver is one of `users`: those of them who are no
   * longer treasurers. Roles live in the configuration and Slack, not in the store, so the
   * service asks AccessControl just before the move and hands the engine the answer.
   */
  | { kind: 'not_acted_by'; users: readonly string[] }
  /**
   * With this transfer, what went to its customer (`scope: 'customer'`: under its own user
   * name or any of `customers`, the names DART's renames link to it) or to everyone
   * (`'total'`) in the `windowMs` before `now` is at most `cents`. Counted: the transfers
   * `executing` or `succeeded`, and `unknown` ones unless marked as not sent, by when they
   * moved to executing.
   */
  | { kind: 'daily_limit'; scope: 'customer' | 'total'; cents: bigint; windowMs: number; customers?: readonly string[] };

/** A rule that must hold, under today's configuration, for a transfer to move to `executing`. */
export interface ExecutionRule {
  check: RuleCheck;
  /** Why the transfer is refused when the check fails (mrkdwn, shown on its message). */
  refusal: string;
}

/** What the app knows, just before the move, that the store does not: roles, and renames of the customer. */
export interface ExecutionFacts {
  /** Every user name linked to the transfer's customer by DART's renames (see `HistorySources.namesOf`). */
  customerNames?: readonly string[];
  /** Who requested or first approved it and is no longer a treasurer. */
  noLongerTreasurers?: readonly string[];
}

/** What the rules read from the configuration. */
export interface ExecutionPolicy {
  limits: TransferLimits;
  /** `TRANSFER_CONFIRM_MINUTES`: how long a confirmation stays valid. */
  confirmMinutes: number;
}

/** The variable that sets each daily limit. */
export const DAILY_LIMIT_VARIABLE = { customer: 'TRANSFER_DAILY_LIMIT', total: 'TRANSFER_DAILY_TOTAL_LIMIT' } as const;

/**
 * The request-time rules, again at execution: the maximum, the approval thresholds (a
 * transfer requested with fewer approvers than its amount now needs is refused), the
 * confirmation window, the daily limits, the roles of who requested and first approved it
 * (`noLongerTreasurers`: those of them AccessControl no longer counts as treasurers), and the freeze. Expiry as stored and who may act
 * are part of the move itself (`TransferRepository.startExecution`).
 */
export function executionRules(
  { limits, confirmMinutes }: ExecutionPolicy,
  { customerNames = [], noLongerTreasurers = [] }: ExecutionFacts = {},
): ExecutionRule[] {
  const rules: ExecutionRule[] = [
    {
      check: { kind: 'max_amount', cents: limits.maxCents },
      refusal: `the largest single transfer is now ${formatCents(limits.maxCents)} (TRANSFER_MAX_AMOUNT)`,
    },
    {
      check: { kind: 'approval_threshold', cents: limits.approvalCents },
      refusal: `from ${formatCents(limits.approvalCents)} a second treasurer must now approve (TRANSFER_APPROVAL_THRESHOLD), and this transfer was requested to be confirmed by its requester alone`,
    },
    {
      check: { kind: 'confirm_window', ms: confirmMinutes * 60_000 },
      refusal: `a confirmation is now valid for ${confirmMinutes} minutes (TRANSFER_CONFIRM_MINUTES), and this one is older`,
    },
  ];
  if (limits.secondApprovalCents !== undefined) {
    rules.push({
      check: { kind: 'second_approval_threshold', cents: limits.secondApprovalCents },
      refusal: `from ${formatCents(limits.secondApprovalCents)} two treasurers must now approve (TRANSFER_SECOND_APPROVAL_THRESHOLD), and this transfer was requested with one`,
    });
  }
  for (const scope of ['customer', 'total'] as const) {
    const cents = scope === 'customer' ? limits.dailyCents : limits.dailyTotalCents;
    if (cents === undefined) continue;
    const whom = scope === 'customer' ? 'to one customer' : 'to all customers together';
    rules.push({
      check: {
        kind: 'daily_limit',
        scope,
        cents,
        windowMs: DAILY_WINDOW_MS,
        ...(scope === 'customer' ? { customers: customerNames } : {}),
      },
      refusal: `at most ${formatCents(cents)} may go ${whom} in any 24 hours (${DAILY_LIMIT_VARIABLE[scope]}), and this transfer would go over it`,
    });
  }
  if (noLongerTreasurers.length > 0) {
    rules.push({
      check: { kind: 'not_acted_by', users: noLongerTreasurers },
      refusal: `who requested or first approved it is no longer a treasurer (DART_TREASURERS: ${noLongerTreasurers.join(', ')}), so their part no longer counts`,
    });
  }
  // Last: the service answers a click refused by the freeze itself, and never makes the transfer refused for it.
  rules.push({ check: { kind: 'not_frozen' }, refusal: 'transfers are frozen' });
  return rules;
}
