import type { OutboxRepository } from '../alerts/repository.ts';
import type { AuditRepository } from '../audit/repository.ts';
import { mention, slackDate } from '../slack/mrkdwn.ts';

/**
 * Whether a customer's trade scripts are suspended, as far as this app knows: from the
 * suspensions and resumes it sent and DART confirmed (its audit log). A restriction set
 * outside this app (DART's own tools) is not known here, hence `unknown`.
 */
export type SuspensionState =
  | { kind: 'unknown' }
  | { kind: 'suspended'; by: string; until: Date }
  | { kind: 'ended'; by: string; until: Date }
  | { kind: 'lifted'; by: string; at: Date };

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

/** Reads the suspensions from the audit log and the account state from the webhooks stored in the outbox. */
export function customerStateReader(audit: AuditRepository, outbox: OutboxRepository, now: () => Date): CustomerStateReader {
  return async (userName) => {
    const last = await audit.latestSucceeded(userName, ['tsp.suspend', 'tsp.resume']);
    let suspension: SuspensionState = { kind: 'unknown' };
    if (last?.action === 'tsp.resume') suspension = { kind: 'lifted', by: last.requestedBy, at: last.at };
    else if (last) {
      const until = new Date(last.at.getTime() + Number(last.sent.tsp_duration) * 3_600_000);
      suspension = { kind: until > now() ? 'suspended' : 'ended', by: last.requestedBy, until };
    }
    const event = await outbox.latestOf(userName, ['activated', 'deactivated']);
    const account: AccountState = event
      ? { kind: event.event.kind === 'deactivated' ? 'deactivated' : 'activated', at: event.receivedAt }
      : { kind: 'unknown' };
    return { suspension, account };
  };
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
  }
}

/** The account state from DART's webhooks, or undefined when none was received. */
export function describeAccount(state: AccountState): string | undefined {
  if (state.kind === 'unknown') return undefined;
  return state.kind === 'deactivated'
    ? `Deactivated (DART’s deactivate webhook, ${slackDate(state.at)})`
    : `Active (DART’s activate webhook, ${slackDate(state.at)})`;
}
