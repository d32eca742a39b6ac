/**
 * The modals Slack would have open, as the app opened and updated them (views.open,
 * views.push, views.update, and response_action answers), keyed by view id. The console
 * takes newly opened views from here and turns them into prompts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { list, record, str } from './render-blocks.ts';

type View = Record<string, unknown>;

/** A view the app opened or updated. */
export interface ViewChange {
  kind: 'opened' | 'updated';
  id: string;
  view: View;
}

/** True when a view has input blocks for a person to fill. */
export function hasInputs(view: View): boolean {
  return list(view.blocks).some((block) => record(block).type === 'input');
}

/** Open modals and their latest content; see the module comment. */
export class ViewTracker {
  readonly #views = new Map<string, View>();
  readonly #updates = new Map<string, number>();
  readonly #open = new Set<string>();
  readonly #waiting: string[] = [];
  readonly #listeners = new Set<(change: ViewChange) => void>();

  /** A view the app opened (views.open / views.push): queued for the console. */
  opened(view: unknown): void {
    const id = str(record(view).id);
    if (id === undefined) return;
    this.#views.set(id, record(view));
    this.#open.add(id);
    this.#waiting.push(id);
    this.#notify({ kind: 'opened', id, view: record(view) });
  }

  /** A views.update the app made. Updates to closed views are ignored, as Slack refuses them. */
  updated(view: unknown): void {
    const id = str(record(view).id);
    if (id === undefined || !this.#open.has(id)) return;
    this.#views.set(id, record(view));
    this.#updates.set(id, (this.#updates.get(id) ?? 0) + 1);
    this.#notify({ kind: 'updated', id, view: record(view) });
  }

  /** The view an app's `response_action: update` put in place of `id`. */
  replaced(id: string, view: unknown): void {
    this.#views.set(id, { ...record(view), id });
    this.#open.add(id);
  }

  /** Called when a view opens and on every views.update of an open view (e.g. to show it, or queue it for prompting). */
  onChange(listener: (change: ViewChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Queues an open view for the console again (it gained inputs while nobody was filling it). */
  requeue(id: string): void {
    if (this.#open.has(id) && !this.#waiting.includes(id)) this.#waiting.push(id);
  }

  /** The next view waiting for the console, oldest first. */
  takeWaiting(): string | undefined {
    return this.#waiting.shift();
  }

  isWaiting(id: string): boolean {
    return this.#waiting.includes(id);
  }

  latest(id: string): View | undefined {
    return this.#views.get(id);
  }

  isOpen(id: string): boolean {
    return this.#open.has(id);
  }

  close(id: string): void {
    this.#open.delete(id);
    const index = this.#waiting.indexOf(id);
    if (index !== -1) this.#waiting.splice(index, 1);
  }

  /** Closes every open view (`response_action: clear`). */
  closeAll(): void {
    for (const id of [...this.#open]) this.close(id);
  }

  #notify(change: ViewChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }

  /** How many views.update calls the view has had. */
  updateCount(id: string): number {
    return this.#updates.get(id) ?? 0;
  }

  /** Waits until the view has had more than `seen` updates, or `timeoutMs`, or `giveUp()` says it will not come. */
  async waitForUpdate(id: string, seen: number, timeoutMs: number, giveUp: () => boolean = () => false): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.updateCount(id) > seen) return true;
      if (giveUp()) return false;
      await sleep(25);
    }
    return this.updateCount(id) > seen;
  }
}
