/**
 * "Has the app finished answering?", judged from outside as a person would: the request
 * was answered, DART has nothing in flight, and Slack has seen nothing new for a moment.
 * Scripted sessions wait for this after every command so their output is deterministic.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DartSandbox } from '../sandbox/dart/server.ts';
import type { SlackStandin } from '../sandbox/slack/standin.ts';

/** How long to wait; the defaults suit an app answering through DART and Slack on loopback. */
export interface QuietOptions {
  /** No Slack activity and an idle DART for this long (default 300 ms). */
  quietMs?: number;
  /** Give up waiting after this long (default 10 s); whatever comes later is still shown when it arrives. */
  maxMs?: number;
  /**
   * Also wait (up to maxMs) for at least one Slack call, e.g. the alert a webhook should
   * lead to. A function is asked once the request is answered (e.g. "was it accepted?").
   */
  expectActivity?: boolean | (() => boolean);
  /** Stops waiting at once (the console is closing). */
  signal?: AbortSignal;
}

const POLL_MS = 25;

/**
 * The app tells Slack what DART answered; a DART call not yet followed by any Slack
 * activity means the app is still at work (e.g. waiting to retry a failed read). How long
 * to wait for that before deciding the call needed no answer.
 */
const ANSWER_AFTER_DART_MS = 3000;

/** Watches the Slack stand-in and the DART sandbox to tell when the app has gone quiet. */
export class QuietWatch {
  readonly #dart: Pick<DartSandbox, 'inFlight' | 'calls'>;
  #lastActivity = 0;
  #activityCount = 0;
  readonly #unsubscribe: () => void;

  constructor(slack: SlackStandin, dart: Pick<DartSandbox, 'inFlight' | 'calls'>) {
    this.#dart = dart;
    this.#unsubscribe = slack.onActivity(() => {
      this.#lastActivity = Date.now();
      this.#activityCount += 1;
    });
  }

  /** Resolves once `answered` has settled and the app has been quiet for `quietMs`, or after `maxMs`. */
  async settle(answered: Promise<unknown>, options: QuietOptions = {}): Promise<void> {
    const { quietMs = 300, maxMs = 10_000, expectActivity = false, signal } = options;
    const started = Date.now();
    const countAtStart = this.#activityCount;
    let answeredAt: number | undefined;
    answered.then(
      () => (answeredAt = Date.now()),
      () => (answeredAt = Date.now()),
    );
    let lastBusy = started;
    while (Date.now() - started < maxMs && signal?.aborted !== true) {
      await sleep(POLL_MS);
      const now = Date.now();
      if (answeredAt === undefined || this.#dart.inFlight > 0 || this.#awaitingSlack(now)) {
        lastBusy = now;
        continue;
      }
      const expected = typeof expectActivity === 'function' ? expectActivity() : expectActivity;
      if (expected && this.#activityCount === countAtStart) continue;
      if (now - Math.max(lastBusy, answeredAt, this.#lastActivity) >= quietMs) return;
    }
  }

  /** A recent DART call has not been followed by anything sent to Slack yet. */
  #awaitingSlack(now: number): boolean {
    const lastCall = this.#dart.calls.at(-1)?.at.getTime();
    return lastCall !== undefined && lastCall >= this.#lastActivity && now - lastCall < ANSWER_AFTER_DART_MS;
  }

  /** True when DART has nothing in flight or unanswered, and Slack has seen nothing for `ms`. */
  idleFor(ms: number): boolean {
    const now = Date.now();
    return this.#dart.inFlight === 0 && !this.#awaitingSlack(now) && now - this.#lastActivity >= ms;
  }

  /** Stops watching. */
  close(): void {
    this.#unsubscribe();
  }
}
