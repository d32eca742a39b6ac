import type { Services } from '../app/services.ts';
import type { SlackRoutes } from '../slack/routes.ts';
import { registerUserLookup } from '../slack/user-lookup.ts';
import { tradeScriptsMessage } from './blocks.ts';
import { CARD_ACTIONS } from '../slack/ids.ts';

/** `/dart scripts` and the card's Trade scripts button. */
export function registerTradeScriptLookups(routes: SlackRoutes, services: Services): void {
  const { dart, logger } = services;
  registerUserLookup(routes, logger, {
    name: 'scripts',
    summary: 'Trade scripts: name, initial, current, deposit, status, activation date',
    waiting: (userName) => `Fetching the trade scripts of ${userName} from DART…`,
    work: async (userName) => tradeScriptsMessage(userName, await dart.getTradeScripts(userName), await services.customerState(userName)),
    buttonActionId: CARD_ACTIONS.scripts,
  });
}
