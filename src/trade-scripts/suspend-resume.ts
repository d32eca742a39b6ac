import type { RespondFn } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../app/services.ts';
import type { SuspensionState } from '../customers/state.ts';
import { auditedWrite } from '../audit/write.ts';
import { parseWords, userNameSchema } from '../slack/arguments.ts';
import type { SlackMessage } from '../slack/blocks.ts';
import { describeWriteFailure } from '../slack/dart-failures.ts';
import { infoView, workingView } from '../slack/modals.ts';
import { code } from '../slack/mrkdwn.ts';
import { withProgress } from '../slack/progress.ts';
import { defineSubcommand, ephemeral, type ParseResult, type SlackRoutes } from '../slack/routes.ts';
import { answerSubmission, failedWrite, readSubmission, type SubmissionOutcome } from '../slack/submission.ts';
import { actionContext, openFormOrSay, postInChannel, tellUser, type Recipient } from '../slack/views.ts';
import { describeHours, parseDuration } from './duration.ts';
import { SuspensionReminders } from './reminders.ts';
import type { ReminderRepository } from './repository.ts';
import { parseSuspendForm, reminderMessage, resumedMessage, suspendedMessage, suspendForm } from './write-blocks.ts';
import { CARD_ACTIONS, CHANNEL_ID, VIEWS } from '../slack/ids.ts';

/** A write's answer for people: the channel's confirmation, or what went wrong (told privately). */
type WriteReply = { ok: true; post: SlackMessage } | { ok: false; outcome: 'failed' | 'unknown'; text: string };

const suspendMetadata = z.object({ userName: userNameSchema, channel: z.string().regex(CHANNEL_ID).optional() });

/** `/dart suspend <user> [<duration>]`: the user name, and the hours when given. */
function parseSuspendArguments(words: string[]): ParseResult<{ userName: string; hours: number | undefined }> {
  if (words.length > 2) return { ok: false, error: `Too many arguments: ${words.slice(2).join(' ')}` };
  const user = parseWords(words.slice(0, 1), [['user', userNameSchema]] as const);
  if (!user.ok) return user;
  const [userName] = user.args;
  if (words[1] === undefined) return { ok: true, args: { userName, hours: undefined } };
  const duration = parseDuration(words[1]);
  return duration.ok ? { ok: true, args: { userName, hours: duration.hours } } : { ok: false, error: `Bad <duration>: ${duration.error}` };
}

/**
 * `/dart suspend`, `/dart resume` and the card's Suspend and Resume buttons. A suspension
 * is one `update-tsp-status` call (`external_tsp_status=false`, `tsp_duration=<hours>`),
 * confirmed in the channel with its end time, where a reminder is scheduled for that time.
 */
export function registerSuspendResume(routes: SlackRoutes, services: Services, repository: ReminderRepository): void {
  const { dart, logger, webClient, now } = services;
  const reminders = new SuspensionReminders(repository, webClient, logger, now);

  /**
   * Takes back the pending end-of-suspension reminder of the customer: the one under the
   * name asked for, and that of the suspension the app knew was running (`before`), which
   * may have been sent under an earlier name, before a rename. True when one was still to come.
   */
  async function takeBackReminders(userName: string, before: SuspensionState): Promise<boolean> {
    const names = new Set([userName, ...(before.kind === 'suspended' ? [before.sentAs] : [])]);
    const taken = await Promise.all([...names].map((name) => reminders.cancel(name)));
    return taken.some(Boolean);
  }

  /** What the app knew of the customer's suspension before a write: read first, since the write changes it. */
  async function suspensionBefore(userName: string): Promise<SuspensionState> {
    return (await services.customerState(userName)).suspension;
  }

  async function suspend(userName: string, hours: number, requestedBy: string, channelId: string | undefined): Promise<WriteReply> {
    const before = await suspensionBefore(userName);
    const result = await auditedWrite(
      services,
      {
        action: 'tsp.suspend',
        customer: userName,
        requestedBy,
        sent: { dart_user_name: userName, external_tsp_status: 'false', tsp_duration: String(hours) },
      },
      () => dart.setTradeScriptAccess(userName, { enabled: false, hours }),
    );
    if (result.outcome !== 'succeeded') {
      return {
        ok: false,
        outcome: result.outcome,
        text: describeWriteFailure(result, `the trade scripts of ${code(userName)} may or may not be suspended`, userName),
      };
    }
    const suspension = { userName, hours, until: new Date(now().getTime() + hours * 3_600_000), by: requestedBy };
    // The new suspension replaces the running one, whatever name it was sent under: so does its reminder.
    await takeBackReminders(userName, before);
    const reminder = channelId ? await reminders.schedule(userName, channelId, suspension.until, reminderMessage(suspension)) : undefined;
    return { ok: true, post: suspendedMessage(suspension, reminder) };
  }

  async function resume(userName: string, requestedBy: string): Promise<WriteReply> {
    // What the app knew before, so the channel is told whether a suspension was lifted at all.
    const before = await suspensionBefore(userName);
    const result = await auditedWrite(
      services,
      { action: 'tsp.resume', customer: userName, requestedBy, sent: { dart_user_name: userName, external_tsp_status: 'true' } },
      () => dart.setTradeScriptAccess(userName, { enabled: true }),
    );
    if (result.outcome !== 'succeeded') {
      return {
        ok: false,
        outcome: result.outcome,
        text: describeWriteFailure(result, `the restriction of ${code(userName)} may or may not have been lifted`, userName),
      };
    }
    return { ok: true, post: resumedMessage(userName, requestedBy, before, await takeBackReminders(userName, before)) };
  }

  /** Commands and buttons: the confirmation in the channel, a failure only to the person who asked. */
  async function reply(respond: RespondFn, waiting: string, write: () => Promise<WriteReply>): Promise<void> {
    const { value, progressShown } = await withProgress(respond, waiting, write);
    if (value.ok) await respond({ response_type: 'in_channel', replace_original: false, ...value.post });
    else await respond({ ...ephemeral(`:warning: ${value.text}`), replace_original: progressShown });
  }

  const openForm = (
    invocation: { client: Parameters<typeof openFormOrSay>[0]['client']; triggerId: string; respond: RespondFn },
    userName: string,
    channelId: string | undefined,
  ) => openFormOrSay(invocation, suspendForm(userName, { userName, channel: channelId }), `/dart suspend ${userName}`, logger);

  routes.subcommand(
    defineSubcommand({
      name: 'suspend',
      usage: '/dart suspend <user> [<duration>]',
      summary: 'Restrict trade scripts for 1 to 720 hours (10, 10h, 2d); without a duration, a form asks',
      role: 'operator',
      parse: parseSuspendArguments,
      run: async (invocation, { userName, hours }) => {
        if (hours === undefined) {
          await openForm(invocation, userName, invocation.channelId);
          return;
        }
        await reply(invocation.respond, `Suspending the trade scripts of ${userName} in DART…`, () =>
          suspend(userName, hours, invocation.userId, invocation.channelId),
        );
      },
    }),
  );

  routes.action(CARD_ACTIONS.suspend, 'operator', async ({ ack, action, body, client, respond }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (!userName.success) return;
    const { triggerId, channelId } = actionContext(body);
    await openForm({ client, triggerId, respond }, userName.data, channelId);
  });

  routes.view(VIEWS.suspend, 'operator', async ({ ack, view, client, userId }) => {
    const submitted = await readSubmission({ ack, view }, suspendMetadata, parseSuspendForm, '/dart suspend <user>');
    if (!submitted) return;
    const { metadata, input: choice } = submitted;
    const { userName, channel: channelId } = metadata;
    const recipient: Recipient = { userId, channelId };
    const work = async (): Promise<SubmissionOutcome> => {
      const outcome = await suspend(userName, choice.hours, userId, channelId);
      if (!outcome.ok)
        return failedWrite(outcome.outcome, 'Not suspended', outcome.text, (reply) => tellUser(client, recipient, reply, logger));
      return {
        answer: { response_action: 'update', view: infoView(VIEWS.suspend, 'Suspended', outcome.post.blocks) },
        afterwards: async (shown) => {
          if (channelId) await postInChannel(client, channelId, outcome.post, recipient, logger);
          else if (!shown) await tellUser(client, recipient, outcome.post, logger);
        },
      };
    };
    await answerSubmission({
      ack,
      client,
      viewId: view.id,
      logger,
      working: workingView(
        VIEWS.suspend,
        'Suspend trade scripts',
        `Suspending ${code(userName)} for ${describeHours(choice.hours)} in DART…`,
      ),
      work,
    });
  });

  const resumeCommand = (respond: RespondFn, userName: string, userId: string) =>
    reply(respond, `Lifting the restriction of ${userName} in DART…`, () => resume(userName, userId));

  routes.subcommand(
    defineSubcommand({
      name: 'resume',
      usage: '/dart resume <user>',
      summary: 'Lift the trade-script restriction',
      role: 'operator',
      parse: (words) => parseWords(words, [['user', userNameSchema]] as const),
      run: ({ respond, userId }, [userName]) => resumeCommand(respond, userName, userId),
    }),
  );

  routes.action(CARD_ACTIONS.resume, 'operator', async ({ ack, action, respond, userId }) => {
    await ack();
    const userName = userNameSchema.safeParse('value' in action ? action.value : undefined);
    if (userName.success) await resumeCommand(respond, userName.data, userId);
  });
}
