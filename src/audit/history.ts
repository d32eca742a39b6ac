import type { HistorySource } from '../history/source.ts';
import { auditLine } from './lines.ts';
import type { AuditRepository } from './repository.ts';

/** The audit log as a history source: every write this app made for the customer. */
export function auditHistorySource(store: AuditRepository): HistorySource {
  return {
    name: 'audit log',
    entriesFor: async (customers, { limit, before }) =>
      (await store.forCustomer(customers, { limit, before })).map((entry) => ({ at: entry.at, line: auditLine(entry) })),
  };
}
