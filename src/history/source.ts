import type { Logger } from '../util/logger.ts';

/** One line of a customer's history: when it happened, and what, as mrkdwn already escaped by its source. */
export interface HistoryEntry {
  at: Date;
  line: string;
}

/**
 * Something the app has seen or done for customers: the audit log of writes, the webhooks
 * DART sent… A source answers the newest entries for one DART user name strictly before
 * `before` (all when undefined), newest first, at most `limit`.
 */
export interface HistorySource {
  /** Named in the history when the source cannot be read, e.g. "webhooks". */
  name: string;
  entriesFor(customer: string, options: { limit: number; before: Date | undefined }): Promise<readonly HistoryEntry[]> | readonly HistoryEntry[];
}

/**
 * Where the next page starts: entries at or before `at`, skipping the first `skip` entries
 * at exactly `at` (already shown), so entries sharing a millisecond are never lost or doubled.
 */
export interface HistoryCursor {
  at: number;
  skip: number;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Where the next (older) page starts; undefined when there is none. */
  next: HistoryCursor | undefined;
  /** Names of sources that could not be read, so the page can say it is incomplete. */
  unavailable: string[];
}

/**
 * Every history source of the app, merged newest first. A capability adds its own with
 * `add` when it registers; the `/dart history` command reads them all through `page`.
 */
export class HistorySources {
  readonly #sources: HistorySource[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(source: HistorySource): void {
    this.#sources.push(source);
  }

  /** One page of a customer's history, `size` entries at most, starting at `cursor` (the newest when undefined). */
  async page(customer: string, size: number, cursor?: HistoryCursor): Promise<HistoryPage> {
    const skip = cursor?.skip ?? 0;
    // One more than needed tells whether an older page exists.
    const limit = size + skip + 1;
    const before = cursor ? new Date(cursor.at + 1) : undefined;
    const answers = await Promise.allSettled(this.#sources.map(async (source) => source.entriesFor(customer, { limit, before })));
    const unavailable: string[] = [];
    const merged: Array<HistoryEntry & { source: number; index: number }> = [];
    answers.forEach((answer, source) => {
      if (answer.status === 'fulfilled') {
        answer.value.forEach((entry, index) => merged.push({ ...entry, source, index }));
      } else {
        unavailable.push(this.#sources[source]!.name);
        this.#logger.warn({ err: answer.reason, source: this.#sources[source]!.name }, 'history source failed');
      }
    });
    // Newest first; ties keep source order, then each source's own order, so pages are stable.
    merged.sort((a, b) => b.at.getTime() - a.at.getTime() || a.source - b.source || a.index - b.index);
    const rest = merged.slice(skip);
    const entries = rest.slice(0, size).map(({ at, line }) => ({ at, line }));
    const last = entries.at(-1);
    let next: HistoryCursor | undefined;
    if (last && rest.length > size) {
      const at = last.at.getTime();
      const sameTime = entries.filter((entry) => entry.at.getTime() === at).length;
      next = { at, skip: sameTime + (cursor?.at === at ? skip : 0) };
    }
    return { entries, next, unavailable };
  }
}
