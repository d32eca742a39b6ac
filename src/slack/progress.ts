import type { RespondFn } from '@slack/bolt';
import { section, type SlackMessage } from './blocks.ts';
import { describeDartFailure } from './dart-failures.ts';
import { isDartError } from '../dart/errors.ts';
import type { Logger } from '../util/logger.ts';

/** How long a lookup may take before the caller is told it is under way. */
export const PROGRESS_AFTER_MS = 1200;

export interface LookupReply {
  respond: RespondFn;
  logger: Logger;
  /** Shown if DART is slow, e.g. "Looking up billyjoel in DART…". */
  waiting: string;
  /** The DART user name the lookup is about, for "no such customer" answers. */
  subject?: string;
  /** Calls DART and builds the answer. */
  work: () => Promise<SlackMessage>;
}

/**
 * Answers a lookup ephemerally through `respond`. If DART is slow, a "still working" line
 * is shown first and then replaced by the answer; a DART failure becomes a short message
 * that says what happened and what to do.
 */
export async function replyWithLookup({ respond, logger, waiting, subject, work }: LookupReply): Promise<void> {
  let progressShown: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    progressShown = respond({ response_type: 'ephemeral', replace_original: false, text: `:hourglass_flowing_sand: ${waiting}` }).catch(() => {});
  }, PROGRESS_AFTER_MS);
  let answer: SlackMessage;
  try {
    answer = await work();
  } catch (error) {
    if (isDartError(error)) logger.warn({ kind: error.kind, endpoint: error.endpoint, detail: error.message }, 'DART lookup failed');
    else logger.error({ err: error }, 'lookup failed');
    const text = `:warning: ${describeDartFailure(error, subject)}`;
    answer = { text, blocks: [section(text)] };
  } finally {
    clearTimeout(timer);
  }
  // Let the progress line land first, so the answer replaces it instead of racing it.
  if (progressShown) await progressShown;
  await respond({ response_type: 'ephemeral', replace_original: progressShown !== undefined, ...answer });
}
