import type { OutboxRepository, StoredAlert } from '../alerts/repository.ts';
import type { AuditEntry, AuditRepository } from '../audit/repository.ts';
import type { NameScope } from '../history/source.ts';
import { mention, slackDate } from '../slack/mrkdwn.ts';

/**
 * Whether a customer's trade scripts are suspended, as far as this app knows: from the
 * newest suspension or resume it sent under any of the customer's user names, which DART
 * confirmed (`suspended`, `ended`, `lifted`) or left uncertain (`outcome-unknown`: no answer
 * that can be trusted). Refusals change nothing. A restriction set outside this app (DART's
 * own tools) is not known here, hence `unknown`.
 */
export type SuspensionState =
  | { kind: 'unknown' }
  /** `sentAs`: the user name the suspension was sent under (its end-of-suspension reminder is kept under it). */
  | { kind: 'suspended'; by: string; until: Date; sentAs: string }
  | { kind: 'ended'; by: string; until: Date }
  | { kind: 'lifted'; by: string; at: Date }
  /** `at`: when it was sent; `over`: whether `until` has passed (if it was applied, it has ended). */
  | { kind: 'outcome-unknown'; write: 'suspend'; by: string; at: Date; until: Date; over: boolean }
  | { kind: 'outcome-unknown'; write: 'resume'; by: string; at: Date };

/** Whether DART deactivated the customer, as far as its webhooks told this app. */
export type AccountState = { kind: 'unknown' } | { kind: 'activated' | 'deactivated'; at: Date };

export interface CustomerState {
  suspension: SuspensionState;
  account: AccountState;
}

/** A customer the app has no record of (just created, say). */
export const NOTHING_KNOWN: CustomerState = { suspension: { kind: 'unknown' }, account: { kind: 'unknown' } };

/** Reads what the app knows about one customer's state from its own records (DART is not called). */
export type CustomerStateReader = (userName: string) => Promise<CustomerState>;

/** A customer's user name and the earlier names DART's renames link to it, each with when it was theirs (`HistorySources.earlierNamesOf`). */
export type EarlierNamesOf = (userName: string) => Promise<readonly NameScope[]>;

/**
 * Reads the suspensions from the audit log and the account state from the webhooks stored
 * in the outbox, under the customer's name and its earlier names, each only for the time it
 * was theirs: a rename does not hide either, and a name given up and taken by another
 * customer does not mix the two.
 */
export function customerStateReader(
  audit: AuditRepository,
  outbox: OutboxRepository,
  earlierNamesOf: EarlierNamesOf,
  now: () => Date,
): CustomerStateReader {
  return async (userName) => {
    const scopes = await earlierNamesOf(userName);
    const [writes, events] = await Promise.all([
      Promise.all(
        scopes.map(({ name, after, before }) =>
          audit.latest([name], { actions: ['tsp.suspend', 'tsp.resume'], outcomes: ['succeeded', 'unknown'], after, before }),
        ),
      ),
      Promise.all(scopes.map(({ name, after, before }) => outbox.latestOf([name], ['activated', 'deactivated'], { after, before }))),
    ]);
    const write = newest(writes, (entry) => entry.at);
    const event = newest(events, (alert) => alert.receivedAt);
    return { suspension: write ? suspensionAfter(write, now()) : { kind: 'unknown' }, account: accountAfter(event) };
  };
}

/** The newest of some records (by `time`, then by id, as each store orders them), if any. */
function newest<T extends { id: number }>(records: ReadonlyArray<T | undefined>, time: (record: T) => Date): T | undefined {
  const later = (a: T, b: T) => time(a).getTime() - time(b).getTime() || a.id - b.id;
  return records.reduce<T | undefined>((found, record) => (record && (!found || later(record, found) > 0) ? record : found), undefined);
}

/** The state the newest suspend or resume (succeeded or unknown) leaves. */
function suspensionAfter(write: AuditEntry, now: Date): SuspensionState {
  const { requestedBy: by, at } = write;
  const certain = write.outcome === 'succeeded';
  if (write.action === 'tsp.resume') return certain ? { kind: 'lifted', by, at } : { kind: 'outcome-unknown', write: 'resume', by, at };
  const until = new Date(at.getTime() + Number(write.sent.tsp_duration) * 3_600_000);
  if (!certain) return { kind: 'outcome-unknown', write: 'suspend', by, at, until, over: until <= now };
  return until > now ? { kind: 'suspended', by, until, sentAs: write.customer } : { kind: 'ended', by, until };
}

/** The account state DART's newest activate or deactivate webhook leaves. */
function accountAfter(event: StoredAlert | undefined): AccountState {
  if (!event) return { kind: 'unknown' };
  return { kind: event.event.kind === 'deactivated' ? 'deactivated' : 'activated', at: event.receivedAt };
}

/** The suspension state in a few words (mrkdwn), saying where the knowledge comes from. */
export function describeSuspension(state: SuspensionState): string {
  switch (state.kind) {
    case 'unknown':
      return 'No suspension by this app recorded';
    case 'suspended':
      return `Suspended by ${mention(state.by)} until ${slackDate(state.until)} (as far as this app knows)`;
    case 'ended':
      return `Not suspended: the last suspension by this app, by ${mention(state.by)}, ended ${slackDate(state.until)}`;
    case 'lifted':
      return `Not suspended: ${mention(state.by)} lifted the restriction ${slackDate(state.at)}`;
    case 'outcome-unknown':
      return `Outcome unknown: DART gave no answer that can be trusted to the ${uncertainEffect(state)}; check in DART`;
  }
}

/** What an uncertain suspend or resume may or may not have done. */
function uncertainEffect(state: Extract<SuspensionState, { kind: 'outcome-unknown' }>): string {
  const sent = `${mention(state.by)} sent ${slackDate(state.at)}`;
  if (state.write === 'resume') return `resume ${sent}, so the restriction may or may not have been lifted`;
  return state.over
    ? `suspension ${sent}; if it was applied, it ended ${slackDate(state.until)}`
    : `suspension ${sent}, so the trade scripts may or may not be suspended until ${slackDate(state.until)}`;
}

/** The account state from DART's webhooks, or undefined when none was received. */
export function describeAccount(state: AccountState): string | undefined {
  if (state.kind === 'unknown') return undefined;
  return state.kind === 'deactivated'
    ? `Deactivated (DART’s deactivate webhook, ${slackDate(state.at)})`
    : `Active (DART’s activate webhook, ${slackDate(state.at)})`;
}
