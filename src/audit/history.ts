import type { HistorySource } from '../history/source.ts';
import { auditLine } from './log.ts';
import type { AuditStore } from './store.ts';

/** The audit log as a history source: every write this app made for the customer. */
export function auditHistorySource(store: AuditStore): HistorySource {
  return {
    name: 'audit log',
    entriesFor: (customer, { limit, before }) => store.forCustomer(customer, { limit, before }).map((entry) => ({ at: entry.at, line: auditLine(entry) })),
  };
}
