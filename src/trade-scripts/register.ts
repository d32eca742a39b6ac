import type { Services } from '../app/services.ts';
import type { SlackRoutes } from '../slack/routes.ts';
import { registerTradeScriptLookups } from './lookups.ts';
import type { ReminderRepository } from './repository.ts';
import { registerSuspendResume } from './suspend-resume.ts';

/** The trade-scripts capability: `scripts`, `suspend` and `resume` (with their end-of-suspension reminders). */
export function registerTradeScripts(routes: SlackRoutes, services: Services, reminders: ReminderRepository): void {
  registerTradeScriptLookups(routes, services);
  registerSuspendResume(routes, services, reminders);
}
