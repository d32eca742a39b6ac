import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { auditedWrite } from '../audit/write.ts';
import type { CustomerUpdate } from '../dart/client.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import { describeDartFailure, describeWriteFailure } from '../slack/dart-failures.ts';
import { noticeView, workingView, type ModalView } from '../slack/modals.ts';
import { code } from '../slack/mrkdwn.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import { answerSubmission, failedWrite, readSubmission, type SubmissionOutcome } from '../slack/submission.ts';
import { actionContext, openFormOrSay, tellUser, updateModal } from '../slack/views.ts';
import { dartFieldErrors, EDIT_FIELDS, editableOf, editForm, errorsNotice, parseEditForm } from './form.ts';
import { changesBetween, editedMessage, editedView } from './write-blocks.ts';
import { CARD_ACTIONS, CHANNEL_ID, VIEWS } from '../slack/ids.ts';

/** What the edit form carries: the channel it was opened from, the customer, and the values it was prefilled with. */
const editMetadata = z.object({
  channel: z.string().regex(CHANNEL_ID).optional(),
  userName: userNameSchema,
  /** The details as DART gave them when the form opened: only what changed since is sent. */
  current: z.object({ first_name: z.string(), last_name: z.string(), email: z.string() }),
});
type EditMetadata = z.infer<typeof editMetadata>;

interface OpenRequest {
  client: WebClient;
  triggerId: string;
  channelId: string | undefined;
  userName: string;
  respond: RespondFn;
}

/**
 * `/dart edit <user>` and the card's Edit button. The form opens at once in a loading
 * state (a trigger id lives 3 seconds) and is then filled from `customer/get`. Only
 * changed fields are reported; an empty password means "unchanged" and is not sent.
 */
export function registerCustomerEdit(routes: SlackRoutes, services: Services): void {
  const { dart, logger } = services;
  const title = 'Edit DART customer';

  const open = async ({ client, triggerId, channelId, userName, respond }: OpenRequest): Promise<void> => {
    const loading = workingView(VIEWS.customerEdit, title, `Loading ${code(userName)} from DART…`);
    const viewId = await openFormOrSay({ client, triggerId, respond }, loading, `/dart edit ${userName}`, logger);
    if (!viewId) return;
    let form: ModalView;
    try {
      const current = editableOf(await dart.getCustomer(userName));
      form = editForm(userName, { metadata: { channel: channelId, userName, current } satisfies EditMetadata, initial: current });
    } catch (error) {
      logger.warn({ err: error, userName }, 'could not load a customer to edit');
      form = noticeView('Could not load', `:warning: ${describeDartFailure(error, userName)}`);
    }
    await updateModal(client, viewId, form, logger);
  };

  routes.subcommand(
    defineSubcommand({
      name: 'edit',
      usage: '/dart edit <user>',
      summary: 'Edit a customer’s name, email or password (opens a form)',
      role: 'operator',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ client, triggerId, channelId, respond }, [userName]) => open({ client, triggerId, channelId, userName, respond }),
    }),
  );

  routes.action(CARD_ACTIONS.edit, 'operator', async ({ ack, action, body, client, respond }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (!userName.success) return;
    const { triggerId, channelId } = actionContext(body);
    await open({ client, triggerId, channelId, userName: userName.data, respond });
  });

  routes.view(VIEWS.customerEdit, 'operator', async ({ ack, view, client, userId }) => {
    const submitted = await readSubmission({ ack, view }, editMetadata, parseEditForm, '/dart edit <user>');
    if (!submitted) return;
    const { metadata, input } = submitted;
    const userName = metadata.userName;
    const changes = changesBetween(metadata.current, input.fields);
    if (changes.length === 0) {
      await ack({
        response_action: 'update',
        view: noticeView('Nothing changed', `Nothing was changed for ${code(userName)}, so nothing was sent to DART.`),
      });
      return;
    }
    const { password, ...named } = input.fields;
    const update: CustomerUpdate = { dart_user_name: userName, ...named, ...(password === undefined ? {} : { password }) };
    const recipient = { userId, channelId: metadata.channel };

    const work = async (): Promise<SubmissionOutcome> => {
      const result = await auditedWrite(
        services,
        { action: 'customer.update', customer: userName, requestedBy: userId, sent: { ...update } },
        () => dart.updateCustomer(update),
      );
      if (result.outcome === 'succeeded') {
        return {
          answer: { response_action: 'update', view: editedView(VIEWS.customerEdit, userName, changes) },
          afterwards: async (shown) => {
            if (recipient.channelId || !shown) await tellUser(client, recipient, editedMessage(userName, userId, changes), logger);
          },
        };
      }
      const fieldErrors = result.outcome === 'failed' ? dartFieldErrors(result.error, EDIT_FIELDS) : undefined;
      if (fieldErrors) return { answer: { response_action: 'errors', errors: fieldErrors } };
      const what = `the changes to ${code(userName)} may or may not have been applied`;
      return failedWrite(result.outcome, 'Not updated', describeWriteFailure(result, what, userName), (reply) =>
        tellUser(client, recipient, reply, logger),
      );
    };

    await answerSubmission({
      ack,
      client,
      viewId: view.id,
      logger,
      working: workingView(VIEWS.customerEdit, title, `Saving ${code(userName)} in DART…`),
      lateErrors: (errors) => editForm(userName, { metadata, initial: named, notice: errorsNotice(errors) }),
      work,
    });
  });
}
