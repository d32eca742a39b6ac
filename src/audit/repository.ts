/** What kind of write an audit entry records. */
export type AuditAction =
  | 'customer.create'
  | 'customer.update'
  | 'tsp.suspend'
  | 'tsp.resume'
  | 'transfer.request'
  | 'transfer.approve'
  | 'transfer.confirm'
  | 'transfer.cancel'
  | 'transfer.expire'
  | 'transfer.void'
  | 'transfer.refuse'
  | 'transfer.execute'
  | 'transfer.resolve'
  | 'transfer.freeze'
  | 'transfer.unfreeze';

/** How a write ended: DART's clear yes or no, no answer we can trust, or not sent at all. */
export type AuditOutcome = 'succeeded' | 'failed' | 'unknown' | 'recorded';

export interface AuditEntryInput {
  action: AuditAction;
  /** The DART user name the write concerns. */
  customer: string;
  /** Slack user id of who asked. */
  requestedBy: string;
  /** Slack user id of who confirmed or approved, when that is someone's act. */
  confirmedBy?: string;
  /** What was sent to DART, with passwords and secrets left out by the caller. */
  sent: Record<string, unknown>;
  outcome: AuditOutcome;
  /** DART's answer or error, as text. */
  dartAnswer?: string;
  at: Date;
}

export interface AuditEntry extends AuditEntryInput {
  /** Assigned by the repository, increasing in the order entries were appended. */
  id: number;
}

/** Which entries `AuditRepository.latest` considers. */
export interface LatestFilter {
  actions: readonly AuditAction[];
  outcomes: readonly AuditOutcome[];
  after?: Date | undefined;
  before?: Date | undefined;
}

/**
 * The audit log: append-only, read back per customer, newest first. Guarantee: once
 * `append` resolves, the entry is durable.
 */
export interface AuditRepository {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** The newest entries about any of `customers` strictly before `before` (all when absent), newest first; ties newest id first. */
  forCustomer(customers: string | readonly string[], options: { limit: number; before?: Date | undefined }): Promise<AuditEntry[]>;
  /**
   * The newest entry about any of `customers` of one of `actions` that ended one of
   * `outcomes`, strictly between `after` and `before` when given, if any; ties newest id first.
   */
  latest(customers: readonly string[], filter: LatestFilter): Promise<AuditEntry | undefined>;
}
