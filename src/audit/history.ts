import type { HistorySource } from '../history/source.ts';
import { auditLine } from './lines.ts';
import type { AuditStore } from './store.ts';

/** The audit log as a history source: every write this app made for the customer. */
export function auditHistorySource(store: AuditStore): HistorySource {
  return {
    name: 'audit log',
    entriesFor: (customers, { limit, before }) => store.forCustomer(customers, { limit, before }).map((entry) => ({ at: entry.at, line: auditLine(entry) })),
  };
}
