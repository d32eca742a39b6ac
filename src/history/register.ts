import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import type { RespondFn } from '@slack/bolt';
import { historyMessage } from './blocks.ts';
import type { HistoryCursor } from './source.ts';
import { HISTORY_ACTIONS } from '../slack/ids.ts';

/** Entries per page of `/dart history`. */
const HISTORY_PAGE_SIZE = 10;

const olderValueSchema = z.object({
  u: userNameSchema,
  t: z.number().int().nonnegative(),
  s: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
});

/**
 * `/dart history <user>`: what this app has seen and done for a customer, newest first,
 * from every source in `services.history`, ten entries a page with an Older button.
 * It reads only the app's own records: DART is not called.
 */
export function registerHistory(routes: SlackRoutes, { history, logger }: Services): void {
  const show = (respond: RespondFn, customer: string, cursor: HistoryCursor | undefined, shownBefore: number) =>
    replyWithLookup({
      respond,
      logger,
      waiting: `Reading the history of ${customer}…`,
      work: async () => historyMessage(customer, await history.page(customer, HISTORY_PAGE_SIZE, cursor), shownBefore),
    });

  routes.subcommand(
    defineSubcommand({
      name: 'history',
      usage: '/dart history <user>',
      summary: 'What this app has done and seen for a customer, newest first',
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond }, [customer]) => show(respond, customer, undefined, 0),
    }),
  );

  routes.action(HISTORY_ACTIONS.older, 'viewer', async ({ ack, action, respond }) => {
    await ack();
    let value: unknown;
    try {
      value = JSON.parse('value' in action && typeof action.value === 'string' ? action.value : '');
    } catch {
      return;
    }
    const older = olderValueSchema.safeParse(value);
    if (older.success) await show(respond, older.data.u, { at: older.data.t, skip: older.data.s }, older.data.n);
  });
}
