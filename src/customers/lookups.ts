import type { RespondFn } from '@slack/bolt';
import type { Services } from '../app/services.ts';
import { parseWords, tokenNameSchema, userNameSchema } from '../slack/arguments.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import { balanceMessage, CARD_ACTIONS, customerCard, tokenValueMessage } from './blocks.ts';

/** Action id of the "Customer card" button (on webhook alerts): shows the card ephemerally; value is the DART user name. */
export const SHOW_CARD_ACTION = 'customer.card';

/** `/dart customer`, `/dart balance`, `/dart token`, the card's Balance button and the alerts' Customer card button. */
export function registerCustomerLookups(routes: SlackRoutes, { dart, logger, access }: Services): void {
  const card = (respond: RespondFn, userName: string, userId: string) =>
    replyWithLookup({
      respond,
      logger,
      subject: userName,
      waiting: `Looking up ${userName} in DART…`,
      work: async () => customerCard(await dart.getCustomer(userName), await access.rolesOf(userId)),
    });

  routes.subcommand(
    defineSubcommand({
      name: 'customer',
      usage: '/dart customer <user>',
      summary: 'Customer card: name, user name, email, and follow-up buttons',
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond, userId }, [userName]) => card(respond, userName, userId),
    }),
  );

  routes.action(SHOW_CARD_ACTION, 'viewer', async ({ ack, action, respond, body }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (userName.success) await card(respond, userName.data, body.user.id);
  });

  const balance = (respond: Parameters<typeof replyWithLookup>[0]['respond'], userName: string) =>
    replyWithLookup({
      respond,
      logger,
      subject: userName,
      waiting: `Fetching the balance of ${userName} from DART…`,
      work: async () => balanceMessage(userName, await dart.getUsdcBalance(userName)),
    });

  routes.subcommand(
    defineSubcommand({
      name: 'balance',
      usage: '/dart balance <user>',
      summary: 'Total USDC balance',
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond }, [userName]) => balance(respond, userName),
    }),
  );

  routes.action(CARD_ACTIONS.balance, 'viewer', async ({ ack, action, respond }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (userName.success) await balance(respond, userName.data);
  });

  routes.subcommand(
    defineSubcommand({
      name: 'token',
      usage: '/dart token <user> <token>',
      summary: 'Value of a custom token (e.g. Chaos)',
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema], ['token', tokenNameSchema]] as const),
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
