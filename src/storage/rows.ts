import type { AlertEvent } from '../alerts/schemas.ts';
import type { AlertRoute, OutboxStatus, StoredAlert } from '../alerts/repository.ts';
import type { AuditAction, AuditEntry, AuditOutcome } from '../audit/repository.ts';
import {
  isSettled,
  type Freeze,
  type Resolution,
  type Transfer,
  type TransferOutcome,
  type TransferState,
} from '../transfers/repository.ts';
import type { Reminder } from '../trade-scripts/repository.ts';
import { parseDecimalAmount } from '../util/money.ts';

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
    ...optional('startedAt', row.started_at, time),
    ...optional('finishedAt', row.finished_at, time),
    ...optional('detail', row.detail, String),
    version: Number(row.version),
    shownVersion: Number(row.shown_version),
    updatedAt: time(row.updated_at),
  };
}

/** A transfer's amount as stored: canonical decimal text and integer cents, so limits compare exactly; throws on anything else. */
export function storedAmount(amount: string): { decimal: string; cents: bigint } {
  const parsed = parseDecimalAmount(amount);
  if (!parsed.ok) throw new Error(`not a transfer amount: ${parsed.reason}`);
  return parsed;
}

/** A column's value as written: times as `Date`, flags as booleans, absent fields as null (each engine converts what it must). */
export type ColumnValue = string | number | bigint | boolean | Date | null;

/**
 * A settled transfer as the columns of its row, the inverse of `transferFromRow`, for
 * `TransferRepository.restore`. Throws on a transfer that is not settled: one still
 * waiting, executing or unresolved belongs to the store it is in.
 */
export function settledTransferColumns(transfer: Transfer): Record<string, ColumnValue> {
  if (!isSettled(transfer)) throw new Error(`transfer ${transfer.id} is not settled (${transfer.state}): it cannot be copied`);
  const amount = storedAmount(transfer.amount);
  const { resolution, lateAnswer } = transfer;
  return {
    id: transfer.id,
    customer: transfer.customer,
    customer_name: transfer.customerName,
    amount: amount.decimal,
    amount_cents: amount.cents,
    needs_approval: transfer.needsApproval,
    second_approval: transfer.secondApproval,
    approved_by: transfer.approvedBy ?? null,
    approved_at: transfer.approvedAt ?? null,
    resolution: resolution?.outcome ?? null,
    resolved_by: resolution?.by ?? null,
    resolved_at: resolution?.at ?? null,
    resolution_note: resolution?.note ?? null,
    late_outcome: lateAnswer?.outcome ?? null,
    late_detail: lateAnswer?.detail ?? null,
    late_at: lateAnswer?.at ?? null,
    state: transfer.state,
    requested_by: transfer.requestedBy,
    requested_at: transfer.requestedAt,
    expires_at: transfer.expiresAt,
    channel: transfer.channel ?? null,
    message_ts: transfer.messageTs ?? null,
    decided_by: transfer.decidedBy ?? null,
    decided_at: transfer.decidedAt ?? null,
    executor: transfer.executor ?? null,
    started_at: transfer.startedAt ?? null,
    finished_at: transfer.finishedAt ?? null,
    detail: transfer.detail ?? null,
    version: transfer.version,
    shown_version: transfer.shownVersion,
    updated_at: transfer.updatedAt,
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
