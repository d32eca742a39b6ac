import type { Services } from '../app/services.ts';
import { CARD_ACTIONS } from '../customers/blocks.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import type { RespondFn } from '@slack/bolt';
import { tradeScriptsMessage } from './blocks.ts';

/** `/dart scripts` and the card's Trade scripts button. */
export function registerTradeScriptLookups(routes: SlackRoutes, { dart, logger }: Services): void {
  const scripts = (respond: RespondFn, userName: string) =>
    replyWithLookup({
      respond,
      logger,
      subject: userName,
      waiting: `Fetching the trade scripts of ${userName} from DART…`,
      work: async () => tradeScriptsMessage(userName, await dart.getTradeScripts(userName)),
    });

  routes.subcommand(
    defineSubcommand({
      name: 'scripts',
      usage: '/dart scripts <user>',
      summary: 'Trade scripts: name, initial, current, deposit, status, activation date',
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond }, [userName]) => scripts(respond, userName),
    }),
  );

  routes.action(CARD_ACTIONS.scripts, 'viewer', async ({ ack, action, respond }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (userName.success) await scripts(respond, userName.data);
  });
}
