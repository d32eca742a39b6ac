import type { AlertEvent } from './schemas.ts';

/** Which configured channel an event goes to; resolved to a channel id at delivery time. */
export type AlertRoute = 'alerts' | 'withdrawals';

/** pending: waiting for Slack (possibly leased by a worker); delivered: posted; dead: Slack refused it for good. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** An outbox event's id: assigned by the repository, increasing in the order events were stored. */
export type AlertId = number;

/** One stored webhook event and where its delivery stands. */
export interface StoredAlert {
  id: AlertId;
  event: AlertEvent;
  route: AlertRoute;
  receivedAt: Date;
  status: OutboxStatus;
  attempts: number;
  deliveryId?: string;
  lastError?: string;
  /** The ts of the Slack message (single alert or digest) that shows it. */
  slackTs?: string;
}

/** What `/healthz` reports about the outbox. */
export interface OutboxStats {
  /** Events stored and not yet delivered (dead ones excluded). */
  depth: number;
  /** Age of the oldest undelivered event, in whole seconds; 0 when there is none. */
  oldestAgeSeconds: number;
  dead: number;
}

/** A claim on the head of one channel's queue. */
export interface ClaimRequest {
  /** Routes that resolve to the same channel: they form one queue, kept in order. */
  routes: readonly AlertRoute[];
  /** Who claims (one id per worker process). */
  owner: string;
  /**
   * How long the claim holds if the owner dies mid-post. The clock the lease is measured
   * on is the repository's own: SQLite uses the app process's clock (every instance on one
   * file shares the machine's), a server database its own `now()`, so instances on
   * different machines never disagree about whether a lease has run out.
   */
  leaseMs: number;
  limit: number;
}

/** An event to store, as the receiver accepted it. */
export interface NewAlert {
  event: AlertEvent;
  route: AlertRoute;
  receivedAt: Date;
  deliveryId?: string;
}

/** What storing an event did. */
export interface AddedAlert {
  /** false: a repeat (same delivery id, same webhook, same content) of the stored event `id`. */
  added: boolean;
  id: AlertId;
  /** Set when the delivery id was already used by a different event: the earliest such event. */
  conflictsWith?: AlertId;
}

/**
 * The durable outbox between DART's webhooks and Slack. Guarantees every engine keeps:
 * - intake is durable before it resolves: once `add`/`addAll` resolves, the events survive
 *   a crash (DART gets its 2xx only then);
 * - `claim` gives each channel's queue at most one live owner across every process sharing
 *   the repository, so per-channel order survives several instances;
 * - a delivery id is looked up and stored under one lock, so a retry reaching two
 *   instances at once is still stored once.
 */
/** A customer-update webhook that changed a user name, first received `at`. */
export interface Rename {
  from: string;
  to: string;
  at: Date;
}

export interface OutboxRepository {
  /**
   * Stores an event. A delivery id seen before with the same webhook and content is a
   * repeat (`added: false`); with a different event it is a conflict: stored as a new
   * event all the same (`conflictsWith`), since dropping it would lose an alert.
   */
  add(input: NewAlert): Promise<AddedAlert>;
  /** Stores several events in one transaction (one disk sync for all); all or none. */
  addAll(inputs: readonly NewAlert[]): Promise<AddedAlert[]>;
  /**
   * Leases up to `limit` pending events at the head of the queue, oldest first, unless
   * another owner holds a live lease on that queue. Returns nothing when the queue is
   * empty or held. The owner's own live lease does not hold it back.
   */
  claim(request: ClaimRequest): Promise<StoredAlert[]>;
  /**
   * Calls `wake` soon after any instance sharing the database stores events, so an idle
   * worker need not wait for its next poll; returns the way to stop. A hint only: it may
   * be late, repeated or missing (an engine without such a signal never calls it), so
   * workers poll all the same.
   */
  subscribe(wake: () => void): () => void;
  /** Marks events delivered with the ts of the message that shows them. */
  markDelivered(ids: readonly AlertId[], slackTs: string, at: Date): Promise<void>;
  /** Gives leased events back for a later attempt, recording why this one failed. */
  release(ids: readonly AlertId[], owner: string, reason: string): Promise<void>;
  /** Gives back every lease `owner` still holds (at shutdown), so another instance takes the queue at once. */
  releaseAll(owner: string): Promise<void>;
  /** Moves events aside: Slack refused them for a reason waiting will not fix. */
  markDead(ids: readonly AlertId[], reason: string): Promise<void>;
  /** Sets every dead event back to pending (at start-up, once the cause may be fixed); returns how many. */
  redriveDead(): Promise<number>;
  stats(now: Date): Promise<OutboxStats>;
  /** Stored events whose old or new user name is one of `customers`, newest first (for `/dart history`). */
  eventsFor(customers: readonly string[], options: { limit: number; before?: Date | undefined }): Promise<StoredAlert[]>;
  /**
   * The newest stored event of one of `kinds` whose new user name is one of `customers`,
   * received strictly between `after` and `before` when given, if any; ties newest id first.
   */
  latestOf(
    customers: readonly string[],
    kinds: readonly AlertEvent['kind'][],
    window?: { after?: Date | undefined; before?: Date | undefined },
  ): Promise<StoredAlert | undefined>;
  /** Every rename (customer-update with a new user name) whose old or new name is one of `names`, with when it was first received. */
  renamesTouching(names: readonly string[]): Promise<Rename[]>;
}
