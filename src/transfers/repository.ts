import type { ExecutionRule } from './execution-rules.ts';

/**
 * Where a transfer stands. `requested` waits for a click; `executing` means one app
 * instance has won the right to call DART; the others are final. `void`: its confirmation
 * was never recorded (Slack did not confirm the post), so no click on it can be used;
 * `refused`: a rule checked at execution (a limit tightened since the request) refused it.
 */
export type TransferState = 'requested' | 'executing' | 'succeeded' | 'failed' | 'unknown' | 'cancelled' | 'expired' | 'void' | 'refused';

/** The most transfers `needingAttention` lists: `/dart transfers` shows one block each, within Slack's 50 blocks. */
export const ATTENTION_LISTED = 40;

/**
 * Whether nothing more will happen to a transfer, by a click or by itself: not waiting for
 * Confirm/Approve, not executing, and not an unknown outcome still to be resolved.
 */
export function isSettled(transfer: Pick<Transfer, 'state' | 'resolution'>): boolean {
  if (transfer.state === 'requested' || transfer.state === 'executing') return false;
  return transfer.state !== 'unknown' || transfer.resolution !== undefined;
}

/** The final states an execution can end in. */
export type TransferOutcome = Extract<TransferState, 'succeeded' | 'failed' | 'unknown'>;

/** One transfer as stored: what was asked, who did what when, and where its message is. */
export interface Transfer {
  /** Chosen by the app (a UUID), never by the engine. */
  id: string;
  /** The DART user name (`userId` in the DART call). */
  customer: string;
  /** The customer's full name as DART gave it when the transfer was requested. */
  customerName: string;
  /** The canonical decimal string sent to DART, e.g. `"50.00"`. */
  amount: string;
  /** True when a second treasurer must approve (amount at or above the threshold). */
  needsApproval: boolean;
  /** True when two treasurers, neither the requester, must approve (at or above TRANSFER_SECOND_APPROVAL_THRESHOLD). */
  secondApproval: boolean;
  /** The first of two approvals, once given; the second is `decidedBy`. */
  approvedBy?: string;
  approvedAt?: Date;
  /** How a treasurer closed out an `unknown` outcome after checking DART. */
  resolution?: Resolution;
  /** DART's answer when it came only after the outcome had been resolved: kept beside the resolution, never over it. */
  lateAnswer?: LateAnswer;
  state: TransferState;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  /** The confirmation message, once posted. */
  channel?: string;
  messageTs?: string;
  /** Who confirmed, approved, cancelled or was refused, and when (for `expired` and `void`, only when). */
  decidedBy?: string;
  decidedAt?: Date;
  /** The app instance that won the move to `executing` and is calling DART. */
  executor?: string;
  /** When it moved to `executing` by the store's own clock: the start of the execution lease (`decidedAt` is the click's time). */
  startedAt?: Date;
  finishedAt?: Date;
  /** DART's answer, why the outcome is unknown, or why it was voided or refused. */
  detail?: string;
  /** Bumped by every move; the message shows `shownVersion`, so a lag can be repaired. */
  version: number;
  shownVersion: number;
  updatedAt: Date;
}

/** What a treasurer found in DART about a transfer whose outcome was unknown. */
export interface Resolution {
  outcome: 'sent' | 'not_sent';
  by: string;
  at: Date;
  /** What was checked in DART (never empty). */
  note: string;
}

/** What DART answered, late, about a transfer already resolved by a treasurer. */
export interface LateAnswer {
  outcome: TransferOutcome;
  detail: string;
  at: Date;
}

/** The stop on all money movement, while it lasts. */
export interface Freeze {
  by: string;
  at: Date;
  reason: string;
}

/** What went out in a rolling window: the counted cents, and when the oldest counted transfer started (it frees up 24 hours later). */
export interface Spent {
  cents: bigint;
  oldest?: Date;
}

/** What is needed to record a new request. */
export interface NewTransfer {
  id: string;
  customer: string;
  customerName: string;
  /** A checked decimal amount; the repository keeps it canonical and in integer cents, so limits compare exactly. */
  amount: string;
  needsApproval: boolean;
  /** Two approvers (implies `needsApproval`); default one. */
  secondApproval?: boolean;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
}

/** A click that asks to move a transfer to executing. */
export interface ExecutionMove {
  kind: 'confirm' | 'approve';
  actor: string;
  executor: string;
  now: Date;
  /** The message the click came from, as Slack says. */
  message: { channel: string; ts: string };
}

/**
 * The transfers' persistence. Guarantee every engine keeps: every move is ONE
 * compare-and-set (one statement, or one transaction that takes the row's lock first)
 * that names the state it moves from, so of any number of concurrent callers (clicks,
 * retries, app instances sharing the database) exactly one gets the row back and every
 * other gets `undefined`. Times are the caller's (`now`), compared as instants, except the
 * execution lease: when an execution started and when it is taken for abandoned are both
 * read from the store's own clock (PostgreSQL: the database's; SQLite: the one host's, `now`),
 * so instances whose clocks disagree never declare each other's live calls abandoned.
 */
export interface TransferRepository {
  create(transfer: NewTransfer): Promise<Transfer>;
  get(id: string): Promise<Transfer | undefined>;
  /** The transfer whose confirmation is the message `channel` + `ts`, if any (a rare lookup: stray clicks only). */
  findByMessage(channel: string, ts: string): Promise<Transfer | undefined>;
  /**
   * Records where the confirmation was posted (and that it shows the first version), once:
   * returns the row, which may meanwhile have become `void`, or undefined if already recorded.
   */
  attachMessage(id: string, channel: string, ts: string): Promise<Transfer | undefined>;
  /** Forgets a request whose confirmation Slack refused to post, so nobody could have seen it. */
  discard(id: string): Promise<void>;
  /** requested → void, while no message is recorded: whatever Slack shows for it can never be used. */
  voidUnposted(id: string, reason: string, now: Date): Promise<Transfer | undefined>;
  /**
   * requested → executing, if not expired at `move.now`, clicked on the very message
   * recorded for it, `actor` may (a `confirm` only by the requester of a transfer requested
   * below the threshold, an `approve` only by someone else on one at or above it and, when
   * it needs two approvers, only by a second one other than the first), and every one of
   * `rules` holds, all in the same one compare-and-set. Rules that read other rows (the
   * freeze, the daily limits) are read inside it, so two moves that each fit a limit but
   * together exceed it never both succeed.
   */
  startExecution(id: string, move: ExecutionMove, rules: readonly ExecutionRule[]): Promise<Transfer | undefined>;
  /**
   * The first of two approvals: requested → requested with `approvedBy`, if the transfer
   * needs two approvers, has none yet, `move.actor` is not its requester, it is not expired,
   * the click is on its recorded message, and every one of `rules` holds, in one compare-and-set.
   */
  addApproval(id: string, move: ExecutionMove, rules: readonly ExecutionRule[]): Promise<Transfer | undefined>;
  /** unknown → unknown with `resolution`, once: undefined when it is not unknown or already resolved. Nothing else changes. */
  resolve(id: string, resolution: Resolution): Promise<Transfer | undefined>;
  /** Transfers waiting for a click (posted, not expired at `now`) and unknown ones not resolved, oldest request first (at most `ATTENTION_LISTED`). */
  needingAttention(now: Date): Promise<Transfer[]>;
  /** How many transfers need attention in all (what `needingAttention` lists, without its cap). */
  countNeedingAttention(now: Date): Promise<number>;
  /** Every transfer waiting for a click (posted, not expired at `now`), oldest request first, however many. */
  waiting(now: Date): Promise<Transfer[]>;
  /**
   * What counts toward the daily limits since `since`, for one customer (all its user names,
   * as linked by renames) or (without) all:
   * `executing` and `succeeded` transfers, and `unknown` ones unless marked as not sent, by
   * when they moved to executing.
   */
  spentSince(since: Date, customers?: readonly string[]): Promise<Spent>;
  /** Starts a freeze unless one is in force (one compare-and-set): returns it, or undefined when already frozen. */
  freeze(freeze: Freeze): Promise<Freeze | undefined>;
  /** Lifts the freeze in force if `by` is not who set it (one compare-and-set): returns the lifted freeze, or undefined. */
  unfreeze(by: string, now: Date): Promise<Freeze | undefined>;
  /** The freeze in force, if any. */
  currentFreeze(): Promise<Freeze | undefined>;
  /** requested → refused (detail: `rule.refusal`), if `rule` does not hold at `now`; `actor` is who clicked. */
  refuse(id: string, rule: ExecutionRule, actor: string, now: Date): Promise<Transfer | undefined>;
  /** requested → cancelled, if not expired at `now`. */
  cancel(id: string, actor: string, now: Date): Promise<Transfer | undefined>;
  /** requested → expired, for this transfer if it is due, or every due one. */
  expire(id: string, now: Date): Promise<Transfer | undefined>;
  expireDue(now: Date): Promise<Transfer[]>;
  /**
   * executing → outcome, by the executor that started it. It may also replace an
   * unresolved `unknown` that a lapsed lease produced, since this executor now knows the
   * answer. A resolution is never overwritten: on a resolved `unknown` the answer is kept
   * as its `lateAnswer` (once), and the state and resolution stay as they are.
   */
  finish(id: string, executor: string, outcome: TransferOutcome, detail: string, now: Date): Promise<Transfer | undefined>;
  /**
   * executing → unknown for every execution that started at least `graceMs` ago by the
   * store's clock (its process is gone); `now` stamps the move.
   */
  abandonExecutions(graceMs: number, detail: string, now: Date): Promise<Transfer[]>;
  /** The message now shows `version` (never moves backwards). */
  markShown(id: string, version: number): Promise<void>;
  /** Transfers whose message lags behind, left untouched since `quietSince`, oldest first (at most 50). */
  withStaleMessages(quietSince: Date): Promise<Transfer[]>;
  /** How many wait for a click or for DART's answer (`requested`, `executing`), for metrics. */
  countPending(): Promise<number>;
  /**
   * Copies settled transfers (`isSettled`) exactly as they stand, in one transaction, for a
   * move from another engine: daily limits and history count them as before the move.
   * Throws on an unsettled one or an id already stored, and then copies none.
   */
  restore(transfers: readonly Transfer[]): Promise<void>;
}
