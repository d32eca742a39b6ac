import { z } from 'zod';
import type { Services } from '../app/services.ts';
import { auditedWrite } from '../audit/write.ts';
import type { Customer } from '../dart/schemas.ts';
import { section } from '../slack/blocks.ts';
import { describeWriteFailure } from '../slack/dart-failures.ts';
import { workingView } from '../slack/modals.ts';
import { code } from '../slack/mrkdwn.ts';
import { defineSubcommand, type SlackRoutes } from '../slack/routes.ts';
import { answerSubmission, failedWrite, readSubmission, type SubmissionOutcome } from '../slack/submission.ts';
import { openFormOrSay, openModal, tellUser } from '../slack/views.ts';
import { CREATE_FIELDS, createForm, dartFieldErrors, errorsNotice, parseCreateForm } from './form.ts';
import { generatePassword } from './password.ts';
import { createdMessage, createdView } from './write-blocks.ts';
import { CHANNEL_ID, SHORTCUTS, VIEWS } from '../slack/ids.ts';

/** The global shortcut that opens the create form (declared in manifest.yml). */

/** The channel the form was opened from; absent from the shortcut, which has none. */
const createMetadata = z.object({ channel: z.string().regex(CHANNEL_ID).optional() });

/**
 * `/dart create` and the "Create DART customer" shortcut: a form checked before DART sees
 * it, then one `customer/create` call answered in the form itself, so DART's refusal of a
 * field (a user name already taken) shows on that field. A password left empty is
 * generated and shown once, in the form's result, to the creator only.
 */
export function registerCustomerCreate(routes: SlackRoutes, services: Services): void {
  const { dart, logger, access } = services;

  routes.subcommand(
    defineSubcommand({
      name: 'create',
      usage: '/dart create',
      summary: 'Create a customer (opens a form)',
      role: 'operator',
      parse: (words) =>
        words.length === 0 ? { ok: true, args: undefined } : { ok: false, error: 'Too many arguments: the form asks for everything.' },
      run: async (invocation) => {
        await openFormOrSay(invocation, createForm({ metadata: { channel: invocation.channelId } }), '/dart create', logger);
      },
    }),
  );

  routes.shortcut(SHORTCUTS.customerCreate, 'operator', async ({ ack, body, client }) => {
    await ack();
    await openModal(client, body.trigger_id, createForm({ metadata: {} }), logger);
  });

  routes.view(VIEWS.customerCreate, 'operator', async ({ ack, view, client, userId }) => {
    const submitted = await readSubmission({ ack, view }, createMetadata, parseCreateForm, '/dart create');
    if (!submitted) return;
    const { metadata, input } = submitted;
    const { password: typed, ...named } = input.fields;
    const password = typed ?? generatePassword();
    const generated = typed === undefined ? password : undefined;
    const customer: Customer = {
      first_name: named.first_name,
      last_name: named.last_name,
      dart_user_name: named.user_name,
      email: named.email,
    };
    const recipient = { userId, channelId: metadata.channel };

    const work = async (): Promise<SubmissionOutcome> => {
      const result = await auditedWrite(
        services,
        { action: 'customer.create', customer: named.user_name, requestedBy: userId, sent: { ...named, password } },
        () => dart.createCustomer({ ...named, password }),
      );
      if (result.outcome === 'succeeded') {
        return {
          answer: { response_action: 'update', view: createdView(VIEWS.customerCreate, customer, generated) },
          afterwards: async (shown) => {
            // The password lives only in the form's result: when that could not be shown, it is lost on purpose.
            const lost = !shown && generated !== undefined;
            if (!recipient.channelId && shown) return;
            const confirmation = createdMessage(customer, userId, await access.rolesOf(userId), generated !== undefined && !lost);
            if (lost) {
              confirmation.blocks.push(
                section(
                  `:warning: The generated password could not be shown (the form was closed first). Set a new one with ${code(`/dart edit ${customer.dart_user_name}`)}.`,
                ),
              );
            }
            await tellUser(client, recipient, confirmation, logger);
          },
        };
      }
      const fieldErrors = result.outcome === 'failed' ? dartFieldErrors(result.error, CREATE_FIELDS) : undefined;
      if (fieldErrors) return { answer: { response_action: 'errors', errors: fieldErrors } };
      const what = `the customer ${code(customer.dart_user_name)} may or may not have been created`;
      return failedWrite(result.outcome, 'Not created', describeWriteFailure(result, what, customer.dart_user_name), (reply) =>
        tellUser(client, recipient, reply, logger),
      );
    };

    await answerSubmission({
      ack,
      client,
      viewId: view.id,
      logger,
      working: workingView(VIEWS.customerCreate, 'Creating customer', `Creating ${code(customer.dart_user_name)} in DART…`),
      lateErrors: (errors) => createForm({ metadata, initial: named, notice: errorsNotice(errors) }),
      work,
    });
  });
}
