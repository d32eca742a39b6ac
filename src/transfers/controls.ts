import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { INPUT_ACTION, noticeView, readMetadata } from '../slack/modals.ts';
import { defineSubcommand, ephemeral, type SlackRoutes } from '../slack/routes.ts';
import { TRANSFER_ACTIONS } from '../slack/ids.ts';
import { openModal } from '../slack/views.ts';
import type { TransferService } from './service.ts';
import { attentionMessage, RESOLVE_VIEW, resolveModal } from './treasury-blocks.ts';

const resolveMetadataSchema = z.object({ id: z.uuid(), outcome: z.enum(['sent', 'not_sent']) });
const clickSchema = z.object({ trigger_id: z.string() });

/** Longest freeze reason kept: it is shown on every pending confirmation. */
const MAX_REASON = 500;

/**
 * The treasury controls: `/dart transfers`, `/dart freeze <reason>`, `/dart unfreeze`, and
 * **Mark as sent** / **Mark as not sent** on a transfer whose outcome is unknown, with the
 * modal that asks what was checked in DART. All need the treasurer role.
 */
export function registerTreasuryControls(routes: SlackRoutes, services: Services, transfers: TransferService): void {
  const { logger, webClient } = services;

  routes.subcommand(
    defineSubcommand({
      name: 'transfers',
      usage: '/dart transfers',
      summary: 'The transfers that need someone now: awaiting confirmation or approval, and those whose outcome is unknown, oldest first',
      role: 'treasurer',
      parse: (words) => (words.length === 0 ? { ok: true, args: undefined } : { ok: false, error: '/dart transfers takes no arguments.' }),
      async run({ respond }) {
        const { pending, total, freeze } = await transfers.attention();
        const shown = attentionMessage(pending, total, freeze);
        await respond(ephemeral(shown.text, shown.blocks));
      },
    }),
  );

  routes.subcommand(
    defineSubcommand<string>({
      name: 'freeze',
      usage: '/dart freeze <reason>',
      summary: 'Stop all money movement at once: new requests, Confirm and Approve are refused until another treasurer runs /dart unfreeze',
      role: 'treasurer',
      parse(words) {
        const reason = words.join(' ').trim();
        if (reason === '')
          return { ok: false, error: 'Say why transfers are frozen: everyone who is refused will read it. Nothing was frozen.' };
        if (reason.length > MAX_REASON) return { ok: false, error: `Keep the reason under ${MAX_REASON} characters. Nothing was frozen.` };
        return { ok: true, args: reason };
      },
      async run({ respond, userId, channelId }, reason) {
        const result = await transfers.freeze(userId, reason, channelId);
        if (!result.ok) {
          await respond(ephemeral(result.reason));
          return;
        }
        await respond({ response_type: 'in_channel', replace_original: false, ...result.announcement });
        await result.redraw();
      },
    }),
  );

  routes.subcommand(
    defineSubcommand({
      name: 'unfreeze',
      usage: '/dart unfreeze',
      summary: 'Lift the freeze; only a treasurer other than the one who froze may',
      role: 'treasurer',
      parse: (words) => (words.length === 0 ? { ok: true, args: undefined } : { ok: false, error: '/dart unfreeze takes no arguments.' }),
      async run({ respond, userId }) {
        const result = await transfers.unfreeze(userId);
        if (!result.ok) {
          await respond(ephemeral(result.reason));
          return;
        }
        await respond({ response_type: 'in_channel', replace_original: false, ...result.announcement });
        await result.redraw();
      },
    }),
  );

  for (const outcome of ['sent', 'not_sent'] as const) {
    const actionId = outcome === 'sent' ? TRANSFER_ACTIONS.markSent : TRANSFER_ACTIONS.markNotSent;
    routes.action(actionId, 'treasurer', async ({ ack, action, body, respond }) => {
      await ack();
      const id = z.uuid().safeParse('value' in action ? action.value : undefined);
      const click = clickSchema.safeParse(body);
      if (!id.success || !click.success) {
        await respond(ephemeral('This button does not name a transfer. Nothing was changed.'));
        return;
      }
      const checked = await transfers.resolvable(id.data);
      if (!checked.ok) {
        await respond(ephemeral(checked.reason));
        return;
      }
      const opened = await openModal(webClient, click.data.trigger_id, resolveModal(checked.transfer, outcome), logger);
      if (!opened) await respond(ephemeral('Slack did not open the form. Press the button again.'));
    });
  }

  routes.view(RESOLVE_VIEW.callbackId, 'treasurer', async ({ ack, view, userId }) => {
    const note = (view.state.values[RESOLVE_VIEW.note]?.[INPUT_ACTION]?.value ?? '').trim();
    const metadata = readMetadata(view.private_metadata, resolveMetadataSchema);
    if (!metadata) {
      await ack({
        response_action: 'update',
        view: noticeView(
          'Form out of date',
          'This form could not be read back. Press the button on the transfer again. Nothing was changed.',
        ),
      });
      return;
    }
    if (note === '') {
      await ack({
        response_action: 'errors',
        errors: { [RESOLVE_VIEW.note]: 'Say what you checked in DART: everyone reading the transfer relies on it.' },
      });
      return;
    }
    const result = await transfers.resolve(metadata.id, metadata.outcome, userId, note);
    if (!result.ok) {
      await ack({ response_action: 'update', view: noticeView('Not changed', result.reason) });
      return;
    }
    await ack({ response_action: 'update', view: noticeView('Done', result.confirmation) });
    await result.announce();
  });
}
