import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { DartNotFoundError } from '../dart/errors.ts';
import type { Customer } from '../dart/schemas.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import { message, section } from '../slack/blocks.ts';
import { describeDartFailure } from '../slack/dart-failures.ts';
import { CARD_ACTIONS, CHANNEL_ID, TRANSFER_ACTIONS, VIEWS } from '../slack/ids.ts';
import { noticeView, workingView } from '../slack/modals.ts';
import { code } from '../slack/mrkdwn.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { defineSubcommand, ephemeral, type SlackRoutes } from '../slack/routes.ts';
import { answerSubmission, readSubmission, type SubmissionOutcome } from '../slack/submission.ts';
import { actionContext, openFormOrSay, tellUser } from '../slack/views.ts';
import { transferAmountSchema } from './amount.ts';
import { requestedNote, TRANSFER_FIELDS, transferForm, type TransferFormMetadata } from './blocks.ts';
import type { TransferService } from './service.ts';

const channelSchema = z.string().regex(CHANNEL_ID);
const metadataSchema: z.ZodType<TransferFormMetadata> = z.object({ channel: channelSchema });
const transferIdSchema = z.uuid();
/** Where a confirmation's button was pressed. */
const clickSchema = z.object({
  channel: z.object({ id: channelSchema }).optional(),
  container: z.object({ message_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
});

type TransferArgs = { mode: 'form'; userName?: string } | { mode: 'direct'; userName: string; amount: string };

/**
 * `/dart transfer <user> <amount>` (or the form without arguments), the customer card's
 * Transfer button, the form's submission, and the confirmation's Confirm, Approve and
 * Cancel buttons. All need the treasurer role.
 */
export function registerTransfers(routes: SlackRoutes, services: Services, transfers: TransferService): void {
  const { dart, logger } = services;
  const amountSchema = transferAmountSchema(transfers.limits);

  const openForm = (invocation: { client: WebClient; triggerId: string; respond: RespondFn }, channel: string, userName?: string) =>
    openFormOrSay(invocation, transferForm({ metadata: { channel }, limits: transfers.limits, userName }), '/dart transfer', logger);

  /** The form's fields, checked as the command checks its words. */
  const parseForm = (
    values: Record<string, string>,
  ): { ok: true; userName: string; amount: string } | { ok: false; errors: Record<string, string> } => {
    const userName = userNameSchema.safeParse((values[TRANSFER_FIELDS.user] ?? '').trim());
    const amount = amountSchema.safeParse(values[TRANSFER_FIELDS.amount] ?? '');
    if (userName.success && amount.success) return { ok: true, userName: userName.data, amount: amount.data };
    const errors: Record<string, string> = {};
    if (!userName.success) errors[TRANSFER_FIELDS.user] = userName.error.issues[0]?.message ?? 'not a DART user name';
    if (!amount.success) errors[TRANSFER_FIELDS.amount] = `Not accepted: ${amount.error.issues[0]?.message ?? 'not an amount'}`;
    return { ok: false, errors };
  };

  routes.subcommand(
    defineSubcommand<TransferArgs>({
      name: 'transfer',
      usage: '/dart transfer <user> <amount>',
      summary:
        'Send USDC to a customer’s main wallet, once confirmed in the channel (a second treasurer approves large amounts); without an amount it opens a form',
      role: 'treasurer',
      parse(words) {
        if (words.length === 0) return { ok: true, args: { mode: 'form' } };
        // A user name alone opens the form for that customer, asking only for the amount.
        if (words.length === 1) {
          const user = parseWords(words, [['user', userNameSchema]] as const);
          return user.ok ? { ok: true, args: { mode: 'form', userName: user.args[0] } } : user;
        }
        // The amount is everything after the user, so `50 USDC` is refused as an amount, not as an extra word.
        const joined = words.length > 2 ? [words[0]!, words.slice(1).join(' ')] : words;
        const parsed = parseWords(joined, [
          ['user', userNameSchema],
          ['amount', amountSchema],
        ] as const);
        return parsed.ok ? { ok: true, args: { mode: 'direct', userName: parsed.args[0], amount: parsed.args[1] } } : parsed;
      },
      async run(invocation, args) {
        const { respond, userId, channelId } = invocation;
        if (args.mode === 'form') {
          await openForm(invocation, channelId, args.userName);
          return;
        }
        await replyWithLookup({
          respond,
          logger,
          subject: args.userName,
          waiting: `Looking up ${args.userName} in DART…`,
          work: async () => {
            const customer = await dart.getCustomer(args.userName);
            const result = await transfers.request({ requestedBy: userId, channel: channelId, customer, amount: args.amount });
            return result.ok ? requestedNote(result.transfer) : message(result.reason, [section(result.reason)]);
          },
        });
      },
    }),
  );

  routes.action(CARD_ACTIONS.transfer, 'treasurer', async ({ ack, action, body, client, respond }) => {
    await ack();
    const { triggerId, channelId } = actionContext(body);
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    const channel = channelSchema.safeParse(channelId);
    if (!channel.success || !userName.success) {
      await respond(ephemeral('Open the transfer form with `/dart transfer` in the channel where it should be confirmed.'));
      return;
    }
    await openForm({ client, triggerId, respond }, channel.data, userName.data);
  });

  routes.view(VIEWS.transfer, 'treasurer', async ({ ack, view, client, userId }) => {
    const submitted = await readSubmission({ ack, view }, metadataSchema, parseForm, '/dart transfer');
    if (!submitted) return;
    const { metadata, input } = submitted;
    const { userName, amount } = input;
    const recipient = { userId, channelId: metadata.channel };
    const notice = (text: string): SubmissionOutcome => ({
      answer: { response_action: 'update', view: noticeView('Transfer', text) },
      // The confirmation in the channel says it all when it was posted; a refusal must still reach the requester.
      afterwards: async (shown) => {
        if (!shown) await tellUser(client, recipient, message(text, [section(text)]), logger);
      },
    });
    const work = async (): Promise<SubmissionOutcome> => {
      let customer: Customer;
      try {
        customer = await dart.getCustomer(userName);
      } catch (error) {
        if (error instanceof DartNotFoundError) {
          return {
            answer: {
              response_action: 'errors',
              errors: { [TRANSFER_FIELDS.user]: `DART has no customer ${userName}. Check the DART user name (not the email).` },
            },
          };
        }
        return notice(`:warning: ${describeDartFailure(error, userName)} Nothing was requested.`);
      }
      const result = await transfers.request({ requestedBy: userId, channel: metadata.channel, customer, amount });
      return notice(result.ok ? requestedNote(result.transfer).text : result.reason);
    };
    await answerSubmission({
      ack,
      client,
      viewId: view.id,
      logger,
      working: workingView(VIEWS.transfer, 'Transfer', `Requesting a transfer to ${code(userName)}…`),
      lateErrors: (errors) =>
        transferForm({ metadata, limits: transfers.limits, userName, amount, notice: `:warning: ${Object.values(errors).join(' ')}` }),
      work,
    });
  });

  for (const kind of ['confirm', 'approve', 'cancel'] as const) {
    routes.action(TRANSFER_ACTIONS[kind], 'treasurer', async ({ ack, action, body, respond, userId }) => {
      await ack();
      const id = transferIdSchema.safeParse('value' in action ? action.value : undefined);
      if (!id.success) {
        await respond(ephemeral('This button does not name a transfer. Nothing was sent.'));
        return;
      }
      // The message the button was pressed on, as Slack says: only the recorded one can be used.
      const click = clickSchema.safeParse(body);
      const channel = click.data?.channel?.id;
      const ts = click.data?.container?.message_ts ?? click.data?.message?.ts;
      try {
        const note = await transfers.press(kind, id.data, userId, channel && ts ? { channel, ts } : undefined);
        if (note) await respond(ephemeral(note));
      } catch (error) {
        logger.error({ err: error, transfer: id.data, action: kind }, 'transfer click failed');
        await respond(ephemeral('This click failed on our side (it has been logged). Look at the message before trying again.')).catch(
          () => {},
        );
      }
    });
  }
}
