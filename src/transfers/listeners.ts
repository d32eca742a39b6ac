import type { RespondFn } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { CARD_ACTIONS } from '../customers/blocks.ts';
import { DartNotFoundError } from '../dart/errors.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import { message, section } from '../slack/blocks.ts';
import { describeDartFailure } from '../slack/dart-failures.ts';
import { replyWithLookup } from '../slack/progress.ts';
import { noticeView } from '../slack/modals.ts';
import { defineSubcommand, ephemeral, type SlackRoutes } from '../slack/routes.ts';
import { within } from '../util/within.ts';
import { transferAmountSchema } from './amount.ts';
import { requestedNote, TRANSFER_ACTIONS, TRANSFER_VIEW, transferModal } from './blocks.ts';
import type { TransferService } from './service.ts';

/** How long a modal submission waits for DART's customer lookup before answering "working on it". */
const FORM_LOOKUP_MS = 2000;

const channelSchema = z.string().regex(/^[CGD][A-Z0-9]{2,}$/);
const metadataSchema = z.object({ channel: channelSchema });
const transferIdSchema = z.uuid();
/** The parts of a button click this capability reads. */
const clickSchema = z.object({
  trigger_id: z.string(),
  user: z.object({ id: z.string() }),
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
  const { dart, logger, webClient } = services;
  const amountSchema = transferAmountSchema(transfers.limits);

  const openForm = async (triggerId: string, channel: string, respond: RespondFn, userName?: string) => {
    try {
      await webClient.views.open({ trigger_id: triggerId, view: transferModal({ channel, limits: transfers.limits, ...(userName ? { userName } : {}) }) });
    } catch (error) {
      logger.warn({ err: error }, 'could not open the transfer form');
      await respond(ephemeral('Slack did not open the transfer form. Try again, or use `/dart transfer <user> <amount>`.'));
    }
  };

  routes.subcommand(
    defineSubcommand<TransferArgs>({
      name: 'transfer',
      usage: '/dart transfer <user> <amount>',
      summary: 'Send USDC to a customer’s main wallet, once confirmed in the channel (a second treasurer approves large amounts); without an amount it opens a form',
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
        const parsed = parseWords(joined, [['user', userNameSchema], ['amount', amountSchema]] as const);
        return parsed.ok ? { ok: true, args: { mode: 'direct', userName: parsed.args[0], amount: parsed.args[1] } } : parsed;
      },
      async run({ respond, userId, channelId, triggerId }, args) {
        if (args.mode === 'form') return openForm(triggerId, channelId, respond, args.userName);
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

  routes.action(CARD_ACTIONS.transfer, 'treasurer', async ({ ack, action, body, respond }) => {
    await ack();
    const click = clickSchema.safeParse(body);
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (!click.success || !click.data.channel || !userName.success) {
      await respond(ephemeral('Open the transfer form with `/dart transfer` in the channel where it should be confirmed.'));
      return;
    }
    await openForm(click.data.trigger_id, click.data.channel.id, respond, userName.data);
  });

  routes.view(TRANSFER_VIEW.callbackId, 'treasurer', async ({ ack, body, view }) => {
    const values = view.state.values;
    const field = (block: string) => values[block]?.[TRANSFER_VIEW.element]?.value ?? '';
    const userName = userNameSchema.safeParse(field(TRANSFER_VIEW.user).trim());
    const amount = amountSchema.safeParse(field(TRANSFER_VIEW.amount));
    const metadata = metadataSchema.safeParse(parseJson(view.private_metadata));
    const errors: Record<string, string> = {};
    if (!userName.success) errors[TRANSFER_VIEW.user] = userName.error.issues[0]?.message ?? 'not a DART user name';
    if (!amount.success) errors[TRANSFER_VIEW.amount] = `Not accepted: ${amount.error.issues[0]?.message ?? 'not an amount'}`;
    if (!userName.success || !amount.success || !metadata.success) {
      if (!metadata.success) errors[TRANSFER_VIEW.user] ??= 'This form lost track of its channel. Close it and run /dart transfer again.';
      await ack({ response_action: 'errors', errors });
      return;
    }
    const lookup = dart.getCustomer(userName.data);
    const early = await within(lookup, FORM_LOOKUP_MS);
    if (early.done && !early.ok && early.error instanceof DartNotFoundError) {
      await ack({ response_action: 'errors', errors: { [TRANSFER_VIEW.user]: `DART has no customer ${userName.data}. Check the DART user name (not the email).` } });
      return;
    }
    await ack({ response_action: 'update', view: noticeView('Transfer', `:hourglass_flowing_sand: Requesting a transfer to \`${userName.data}\`…`) });
    let note: string;
    try {
      const customer = await lookup;
      const result = await transfers.request({ requestedBy: body.user.id, channel: metadata.data.channel, customer, amount: amount.data });
      note = result.ok ? requestedNote(result.transfer).text : result.reason;
    } catch (error) {
      note = `:warning: ${describeDartFailure(error, userName.data)} Nothing was requested.`;
    }
    await webClient.views.update({ view_id: body.view.id, view: noticeView('Transfer', note) });
  });

  for (const kind of ['confirm', 'approve', 'cancel'] as const) {
    routes.action(TRANSFER_ACTIONS[kind], 'treasurer', async ({ ack, action, body, respond }) => {
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
        const note = await transfers.press(kind, id.data, body.user.id, channel && ts ? { channel, ts } : undefined);
        if (note) await respond(ephemeral(note));
      } catch (error) {
        logger.error({ err: error, transfer: id.data, action: kind }, 'transfer click failed');
        await respond(ephemeral('This click failed on our side (it has been logged). Look at the message before trying again.')).catch(() => {});
      }
    });
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
