import type { SlackMessage } from './blocks.ts';
import { parseWords, userNameSchema } from './arguments.ts';
import { replyWithLookup } from './progress.ts';
import { defineSubcommand, type SlackRoutes } from './routes.ts';
import type { Logger } from '../util/logger.ts';

/** A read about one customer, offered as `/dart <name> <user>` and, optionally, as a button. */
export interface UserLookup {
  name: string;
  summary: string;
  /** e.g. "Fetching the balance of billyjoel from DART…" */
  waiting: (userName: string) => string;
  work: (userName: string, callerId: string) => Promise<SlackMessage>;
  /** Action id of a button whose value is the user name (on the card, on alerts). */
  buttonActionId?: string;
}

/**
 * Registers the subcommand and its button: both check the user name, ack at once and
 * answer ephemerally, with progress shown while DART is slow.
 */
export function registerUserLookup(routes: SlackRoutes, logger: Logger, lookup: UserLookup): void {
  routes.subcommand(
    defineSubcommand({
      name: lookup.name,
      usage: `/dart ${lookup.name} <user>`,
      summary: lookup.summary,
      role: 'viewer',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond, userId }, [userName]) =>
        replyWithLookup({
          respond,
          logger,
          subject: userName,
          waiting: lookup.waiting(userName),
          work: () => lookup.work(userName, userId),
        }),
    }),
  );
  if (lookup.buttonActionId === undefined) return;
  routes.action(lookup.buttonActionId, 'viewer', async ({ ack, action, respond, userId }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (!userName.success) return;
    await replyWithLookup({
      respond,
      logger,
      subject: userName.data,
      waiting: lookup.waiting(userName.data),
      work: () => lookup.work(userName.data, userId),
    });
  });
}
