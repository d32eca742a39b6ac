import type { Services } from '../app/services.ts';
import { parseWords, tokenNameSchema, userNameSchema } from '../slack/arguments.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import { registerUserLookup } from '../slack/user-lookup.ts';
import { balanceMessage, customerCard, tokenValueMessage } from './blocks.ts';
import { CARD_ACTIONS } from '../slack/ids.ts';

/** Action id of the "Customer card" button (on webhook alerts): shows the card ephemerally; value is the DART user name. */

/** `/dart customer`, `/dart balance`, `/dart token`, the card's Balance button and the alerts' Customer card button. */
export function registerCustomerLookups(routes: SlackRoutes, services: Services): void {
  const { dart, logger, access } = services;
  registerUserLookup(routes, logger, {
    name: 'customer',
    summary: 'Customer card: name, user name, email, and follow-up buttons',
    waiting: (userName) => `Looking up ${userName} in DART…`,
    work: async (userName, callerId) =>
      customerCard(await dart.getCustomer(userName), await access.rolesOf(callerId), await services.customerState(userName)),
    buttonActionId: CARD_ACTIONS.show,
  });

  registerUserLookup(routes, logger, {
    name: 'balance',
    summary: 'Total USDC balance',
    waiting: (userName) => `Fetching the balance of ${userName} from DART…`,
    work: async (userName) => balanceMessage(userName, await dart.getUsdcBalance(userName)),
    buttonActionId: CARD_ACTIONS.balance,
  });

  routes.subcommand(
    defineSubcommand({
      name: 'token',
      usage: '/dart token <user> <token>',
      summary: 'Value of a custom token (e.g. Chaos)',
      role: 'viewer',
      parse: (words) =>
        parseWords(words, [
          ['user', userNameSchema],
          ['token', tokenNameSchema],
        ] as const),
      run: ({ respond }, [userName, token]) =>
        replyWithLookup({
          respond,
          logger,
          subject: userName,
          waiting: `Fetching ${token} for ${userName} from DART…`,
          work: async () => tokenValueMessage(userName, token, await dart.getTokenValue(userName, token)),
        }),
    }),
  );
}
