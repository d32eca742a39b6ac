import type { Services } from '../app/services.ts';
import type { SlackRoutes } from '../slack/routes.ts';
import { registerCustomerCreate } from './create.ts';
import { registerCustomerEdit } from './edit.ts';
import { registerCustomerLookups } from './lookups.ts';

/** The customers capability: the lookups (`customer`, `balance`, `token`, the card's buttons), `create` and `edit`. */
export function registerCustomers(routes: SlackRoutes, services: Services): void {
  registerCustomerLookups(routes, services);
  registerCustomerCreate(routes, services);
  registerCustomerEdit(routes, services);
}
