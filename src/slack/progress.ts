import type { RespondFn } from '@slack/bolt';
import { section, type SlackMessage } from './blocks.ts';
import { describeDartFailure } from './dart-failures.ts';
import { isDartError } from '../dart/errors.ts';
import type { Logger } from '../util/logger.ts';

/** How long a lookup may take before the caller is told it is under way. */
const PROGRESS_AFTER_MS = 1200;

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
 * Runs `work`; if it takes longer than `PROGRESS_AFTER_MS`, an ephemeral "still working"
 * line is shown meanwhile. Resolves once that line (if any) has landed, so the caller's
 * answer can replace it instead of racing it.
 */
export async function withProgress<T>(
  respond: RespondFn,
  waiting: string,
  work: () => Promise<T>,
): Promise<{ value: T; progressShown: boolean }> {
  let progressShown: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    progressShown = respond({ response_type: 'ephemeral', replace_original: false, text: `:hourglass_flowing_sand: ${waiting}` }).catch(
      () => {},
    );
  }, PROGRESS_AFTER_MS);
  try {
    const value = await work();
    clearTimeout(timer);
    if (progressShown) await progressShown;
    return { value, progressShown: progressShown !== undefined };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Answers a lookup ephemerally through `respond`. If DART is slow, a "still working" line
 * is shown first and then replaced by the answer; a DART failure becomes a short message
 * that says what happened and what to do.
 */
export async function replyWithLookup({ respond, logger, waiting, subject, work }: LookupReply): Promise<void> {
  const { value: answer, progressShown } = await withProgress(respond, waiting, async (): Promise<SlackMessage> => {
    try {
      return await work();
    } catch (error) {
      if (isDartError(error)) logger.warn({ kind: error.kind, endpoint: error.endpoint, detail: error.message }, 'DART lookup failed');
      else logger.error({ err: error }, 'lookup failed');
      const text = `:warning: ${describeDartFailure(error, subject)}`;
      return { text, blocks: [section(text)] };
    }
  });
  await respond({ response_type: 'ephemeral', replace_original: progressShown, ...answer });
}
