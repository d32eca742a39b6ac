import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import { message, section, type SlackMessage } from './blocks.ts';
import { infoView, noticeView, readMetadata, submittedValues, type ModalView } from './modals.ts';
import { slackErrorOf } from './errors.ts';
import { code, escapeMrkdwn } from './mrkdwn.ts';
import type { Logger } from '../util/logger.ts';

/**
 * How long a modal submission may wait for DART before answering Slack with a "still
 * working" view. Slack drops an answer after 3 seconds; this leaves room for the network.
 */
const SUBMISSION_BUDGET_MS = 2500;

/** What a modal submission answers: errors shown on their fields, or a new view. */
type SubmissionAnswer = { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: ModalView };

export interface SubmissionOutcome {
  answer: SubmissionAnswer;
  /** Runs once the answer is shown (`shown`) or could not be (the modal was closed): confirmations, fallbacks. */
  afterwards?: (shown: boolean) => Promise<void>;
}

export interface Submission {
  /** Bolt's `ack` of the view submission. */
  ack: AckFn<ViewResponseAction> | AckFn<void>;
  client: WebClient;
  /** The submitted view's id, for `views.update` once DART has answered late. */
  viewId: string;
  logger: Logger;
  /** Shown when DART has not answered within the budget. */
  working: ModalView;
  /** Field errors can no longer be shown inline once the "still working" view replaced the form: this view shows them. */
  lateErrors?: (errors: Record<string, string>) => ModalView;
  /** Calls DART and decides the answer; it should not throw (an exception becomes a generic failure view). */
  work: () => Promise<SubmissionOutcome>;
  budgetMs?: number;
}

/**
 * Answers a modal submission with DART's outcome when DART answers within the budget, so
 * a rejection lands inline on the field it belongs to. Otherwise the modal shows the
 * "still working" view at once (Slack's 3-second window) and is updated when DART answers.
 * Returns whether the outcome was shown in the modal.
 */
export async function answerSubmission(submission: Submission): Promise<boolean> {
  const { client, viewId, logger, working } = submission;
  const ack = submission.ack as (answer: SubmissionAnswer) => Promise<void>;
  const outcome = submission.work().catch((error: unknown): SubmissionOutcome => {
    logger.error({ err: error }, 'modal submission failed');
    return { answer: { response_action: 'update', view: failureView(working.callback_id ?? 'failure') } };
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), submission.budgetMs ?? SUBMISSION_BUDGET_MS);
  });
  const first = await Promise.race([outcome, late]);
  clearTimeout(timer);
  let shown: boolean;
  let final: SubmissionOutcome;
  if (first !== 'late') {
    final = first;
    await ack(final.answer);
    shown = true;
  } else {
    await ack({ response_action: 'update', view: working });
    final = await outcome;
    const view =
      final.answer.response_action === 'update'
        ? final.answer.view
        : (submission.lateErrors ?? refusedView(working.callback_id ?? 'refused'))(final.answer.errors);
    shown = await client.views
      .update({ view_id: viewId, view })
      .then(() => true)
      .catch((error: unknown) => {
        logger.warn({ reason: slackErrorOf(error), viewId }, 'could not show the outcome in the modal');
        return false;
      });
  }
  await final.afterwards?.(shown).catch((error: unknown) => logger.error({ err: error }, 'after-submission step failed'));
  return shown;
}

/**
 * The first checks of every form submission: its `private_metadata` read back through
 * `metadataSchema`, and its fields through `parse`. When either fails the submission is
 * answered here (an out-of-date notice naming `reopen`, or the errors on their fields)
 * and undefined is returned; nothing has been sent to DART.
 */
export async function readSubmission<M, P extends { ok: true }>(
  { ack, view }: { ack: Submission['ack']; view: { private_metadata?: string; state?: unknown } },
  metadataSchema: z.ZodType<M>,
  parse: (values: Record<string, string>) => P | { ok: false; errors: Record<string, string> },
  reopen: string,
): Promise<{ metadata: M; input: P } | undefined> {
  const answer = ack as (answer: SubmissionAnswer) => Promise<void>;
  const metadata = readMetadata(view.private_metadata, metadataSchema);
  if (metadata === undefined) {
    await answer({
      response_action: 'update',
      view: noticeView('Form out of date', `This form could not be read back. Please run ${code(reopen)} again.`),
    });
    return undefined;
  }
  const input = parse(submittedValues(view.state));
  if (!input.ok) {
    await answer({ response_action: 'errors', errors: (input as { errors: Record<string, string> }).errors });
    return undefined;
  }
  return { metadata, input: input as P };
}

/**
 * A write that did not succeed, shown in the modal under `title` ("Outcome unknown" when
 * DART may have acted); if the modal is gone by then, `tell` gets the same text privately.
 */
export function failedWrite(
  outcome: 'failed' | 'unknown',
  title: string,
  text: string,
  tell: (reply: SlackMessage) => Promise<void>,
): SubmissionOutcome {
  const shown = `:warning: ${text}`;
  return {
    answer: { response_action: 'update', view: noticeView(outcome === 'unknown' ? 'Outcome unknown' : title, shown) },
    afterwards: async (seen) => {
      if (!seen) await tell(message(shown, [section(shown)]));
    },
  };
}

function refusedView(callbackId: string) {
  return (errors: Record<string, string>): ModalView =>
    infoView(callbackId, 'Not done', [
      section(`:warning: DART refused it; nothing was changed.\n${Object.values(errors).map(escapeMrkdwn).join('\n')}`),
    ]);
}

function failureView(callbackId: string): ModalView {
  return infoView(callbackId, 'Something went wrong', [
    section(
      ':warning: Something went wrong on our side; it has been logged. If this was a change, check in DART whether it was applied before trying again.',
    ),
  ]);
}
