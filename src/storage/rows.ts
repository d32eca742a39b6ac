import type { AlertEvent } from '../alerts/schemas.ts';
import type { AlertRoute, OutboxStatus, StoredAlert } from '../alerts/repository.ts';
import type { AuditAction, AuditEntry, AuditOutcome } from '../audit/repository.ts';
import type { Freeze, Resolution, Transfer, TransferOutcome, TransferState } from '../transfers/repository.ts';
import type { Reminder } from '../trade-scripts/repository.ts';

/**
 * Rows back into domain objects, for every engine. Each driver hands the same column
 * back its own way: a time as epoch milliseconds or ISO text (SQLite) or a `Date`
 * (PostgreSQL), a flag as 0/1 or a boolean, JSON as text or parsed; these read them all.
 */
type Row = Record<string, unknown>;

const present = (value: unknown) => value !== null && value !== undefined;

function time(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(typeof value === 'number' || typeof value === 'bigint' ? Number(value) : String(value));
}

const flag = (value: unknown) => value === true || Number(value) === 1;

const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** `{ key: value }`, or nothing when the column is null, so optional fields stay absent. */
function optional<K extends string, V>(key: K, value: unknown, as: (value: unknown) => V): { [P in K]?: V } {
  return (present(value) ? { [key]: as(value) } : {}) as { [P in K]?: V };
}

export function transferFromRow(row: Row): Transfer {
  return {
    id: String(row.id),
    customer: String(row.customer),
    customerName: String(row.customer_name),
    amount: String(row.amount),
    needsApproval: flag(row.needs_approval),
    secondApproval: flag(row.second_approval),
    ...optional('approvedBy', row.approved_by, String),
    ...optional('approvedAt', row.approved_at, time),
    ...(row.resolution === 'sent' || row.resolution === 'not_sent' ? { resolution: resolutionOf(row, row.resolution) } : {}),
    ...(present(row.late_outcome)
      ? { lateAnswer: { outcome: String(row.late_outcome) as TransferOutcome, detail: String(row.late_detail), at: time(row.late_at) } }
      : {}),
    state: String(row.state) as TransferState,
    requestedBy: String(row.requested_by),
    requestedAt: time(row.requested_at),
    expiresAt: time(row.expires_at),
    ...optional('channel', row.channel, String),
    ...optional('messageTs', row.message_ts, String),
    ...optional('decidedBy', row.decided_by, String),
    ...optional('decidedAt', row.decided_at, time),
    ...optional('executor', row.executor, String),
    ...optional('finishedAt', row.finished_at, time),
    ...optional('detail', row.detail, String),
    version: Number(row.version),
    shownVersion: Number(row.shown_version),
    updatedAt: time(row.updated_at),
  };
}

function resolutionOf(row: Row, outcome: Resolution['outcome']): Resolution {
  return { outcome, by: String(row.resolved_by), at: time(row.resolved_at), note: String(row.resolution_note) };
}

/** A freeze of transfers: who, when, why. */
export function freezeFromRow(row: Row): Freeze {
  return { by: String(row.frozen_by), at: time(row.frozen_at), reason: String(row.reason) };
}

export function auditEntryFromRow(row: Row): AuditEntry {
  return {
    id: Number(row.id),
    action: String(row.action) as AuditAction,
    customer: String(row.customer),
    requestedBy: String(row.requested_by),
    ...optional('confirmedBy', row.confirmed_by, String),
    sent: json(row.sent) as Record<string, unknown>,
    outcome: String(row.outcome) as AuditOutcome,
    ...optional('dartAnswer', row.dart_answer, String),
    at: time(row.at),
  };
}

/** An event whose delivery id an earlier, different event holds keeps it in `reused_delivery_id`. */
export function storedAlertFromRow(row: Row): StoredAlert {
  return {
    id: Number(row.id),
    event: json(row.event) as AlertEvent,
    route: String(row.route) as AlertRoute,
    receivedAt: time(row.received_at),
    status: String(row.status) as OutboxStatus,
    attempts: Number(row.attempts),
    ...optional('deliveryId', row.delivery_id ?? row.reused_delivery_id, String),
    ...optional('lastError', row.last_error, String),
    ...optional('slackTs', row.slack_ts, String),
  };
}

export function reminderFromRow(row: Row): Reminder {
  return {
    customer: String(row.customer),
    channel: String(row.channel),
    scheduledMessageId: String(row.scheduled_message_id),
    postAt: time(row.post_at),
  };
}

/** When a delivered outbox row was delivered (absent while it is not). */
export function deliveredAtFromRow(row: Row): Date | undefined {
  return present(row.delivered_at) ? time(row.delivered_at) : undefined;
}
