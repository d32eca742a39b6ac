import type { Logger } from '../util/logger.ts';

/** One line of a customer's history: when it happened, and what, as mrkdwn already escaped by its source. */
export interface HistoryEntry {
  at: Date;
  line: string;
}

/**
 * Something the app has seen or done for customers: the audit log of writes, the webhooks
 * DART sent… A source answers the newest entries for any of a customer's DART user names
 * (the one asked for and those it was renamed from or to) strictly before `before` (all
 * when undefined), newest first, at most `limit`.
 */
export interface HistorySource {
  /** Named in the history when the source cannot be read, e.g. "webhooks". */
  name: string;
  entriesFor(
    customers: readonly string[],
    options: { limit: number; before: Date | undefined },
  ): Promise<readonly HistoryEntry[]> | readonly HistoryEntry[];
}

/** Renames the app has seen (e.g. DART's customer-update webhook) whose old or new name is one of `names`, with when each was first seen. */
export type RenameSource = (names: readonly string[]) => Promise<ReadonlyArray<{ from: string; to: string; at: Date }>>;

/**
 * One user name a customer had, and when it was theirs: records under it strictly after
 * `after` (when another customer gave the name up) and strictly before `before` (just after
 * this customer renamed it away) are about this customer; an absent bound is open.
 */
export interface NameScope {
  name: string;
  after?: Date;
  before?: Date;
}

/** How many user names one customer's history follows at most: bounds the walk whatever the renames (even cycles). */
const MAX_NAMES = 20;

/**
 * Where the next page starts: entries at or before `at`, skipping the first `skip` entries
 * at exactly `at` (already shown), so entries sharing a millisecond are never lost or doubled.
 */
export interface HistoryCursor {
  at: number;
  skip: number;
}

export interface HistoryPage {
  /** The user names read: the one asked for first, then those it was renamed from or to. */
  names: string[];
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
  readonly #renames: RenameSource[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(source: HistorySource): void {
    this.#sources.push(source);
  }

  /** Adds a source of renames, so a customer's history also shows what happened under their other names. */
  addRenames(source: RenameSource): void {
    this.#renames.push(source);
  }

  /** `customer` and every name linked to it by renames, in either direction, breadth first, at most `MAX_NAMES`. */
  async namesOf(customer: string): Promise<string[]> {
    const names = [customer];
    for (let next = 0; next < names.length && names.length < MAX_NAMES; next += 1) {
      for (const rename of await this.#renamesTouching(names[next]!)) {
        for (const name of [rename.from, rename.to]) if (!names.includes(name) && names.length < MAX_NAMES) names.push(name);
      }
    }
    return names;
  }

  /**
   * The names a customer had, newest first, each with when it was theirs: the one asked for,
   * then each name renamed into one already found (up to that rename, inclusive). A name's
   * time starts after the last rename away from it before then: what came earlier under it
   * was another customer's, whose records are not lent to this one. Never forward: a newer
   * name is someone else's to ask for. At most `MAX_NAMES`.
   */
  async earlierNamesOf(customer: string): Promise<NameScope[]> {
    // `gaveUpAt`: when the customer renamed this name away (none for the name asked for).
    const scopes: Array<{ name: string; after?: Date; gaveUpAt?: Date }> = [{ name: customer }];
    for (let next = 0; next < scopes.length && scopes.length < MAX_NAMES; next += 1) {
      const scope = scopes[next]!;
      const renames = await this.#renamesTouching(scope.name);
      const whileHeld = (at: Date) => scope.gaveUpAt === undefined || at < scope.gaveUpAt;
      const away = renames.filter((rename) => rename.from === scope.name && whileHeld(rename.at)).map((rename) => rename.at.getTime());
      if (away.length > 0) scope.after = new Date(Math.max(...away));
      for (const rename of renames) {
        const into = rename.to === scope.name && whileHeld(rename.at) && (scope.after === undefined || rename.at > scope.after);
        if (!into || scopes.length >= MAX_NAMES || scopes.some((known) => known.name === rename.from)) continue;
        scopes.push({ name: rename.from, gaveUpAt: rename.at });
      }
    }
    // A record of the rename's own millisecond is taken to have come before it.
    return scopes.map(({ name, after, gaveUpAt }) => ({
      name,
      ...(after ? { after } : {}),
      ...(gaveUpAt ? { before: new Date(gaveUpAt.getTime() + 1) } : {}),
    }));
  }

  /** Every rename any source knows whose old or new name is `name`. */
  async #renamesTouching(name: string): Promise<Array<{ from: string; to: string; at: Date }>> {
    return (await Promise.all(this.#renames.map((source) => source([name])))).flat();
  }

  /** One page of a customer's history, `size` entries at most, starting at `cursor` (the newest when undefined). */
  async page(customer: string, size: number, cursor?: HistoryCursor): Promise<HistoryPage> {
    const skip = cursor?.skip ?? 0;
    // One more than needed tells whether an older page exists.
    const limit = size + skip + 1;
    const before = cursor ? new Date(cursor.at + 1) : undefined;
    const names = await this.namesOf(customer);
    const answers = await Promise.allSettled(this.#sources.map(async (source) => source.entriesFor(names, { limit, before })));
    const unavailable: string[] = [];
    const merged: Array<HistoryEntry & { source: number; index: number }> = [];
    answers.forEach((answer, source) => {
      if (answer.status === 'fulfilled') {
        for (const [index, entry] of answer.value.entries()) merged.push({ ...entry, source, index });
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
    return { names, entries, next, unavailable };
  }
}
