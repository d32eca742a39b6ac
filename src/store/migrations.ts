import { ALERT_MIGRATIONS } from '../alerts/outbox.ts';
import { AUDIT_MIGRATIONS } from '../audit/store.ts';
import { TRANSFER_MIGRATIONS } from '../transfers/store.ts';
import { TSP_MIGRATIONS } from '../tsp/reminders.ts';
import type { Migration } from './database.ts';

/**
 * Every capability's schema steps, in the order they are applied. A capability appends
 * its own list; names carry the capability so they never collide.
 */
export const MIGRATIONS: readonly Migration[] = [...AUDIT_MIGRATIONS, ...TSP_MIGRATIONS, ...TRANSFER_MIGRATIONS, ...ALERT_MIGRATIONS];
