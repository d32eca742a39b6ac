/**
 * What a Slack client shows of the app, rebuilt from what the app sent to the Slack
 * stand-in: channel posts under the channel's name, edits re-rendered as "(edited)",
 * ephemeral answers (ack bodies, response_url posts, chat.postEphemeral) as "only visible
 * to you", and every button numbered so the console can press it. Modals are handed to
 * the ViewTracker.
 */
import type { RecordedResponse, RecordedSlackCall, SlackStandin } from '../sandbox/slack/standin.ts';
import type { SentRequest } from '../sandbox/slack/requests.ts';
import { record, str } from './render-blocks.ts';
import { paint, type RenderOptions } from './render-mrkdwn.ts';
import { renderMessage, type RenderedButton } from './render.ts';
import type { ViewTracker } from './views.ts';

/** Where a message lives: in a channel for everyone, or shown to one user only. */
export type MessagePlace =
  | { kind: 'channel'; channel: string; ts: string; threadTs?: string }
  | { kind: 'ephemeral'; channel: string; ts: string; userId: string };

/** A message as it is on screen now. */
export interface ShownMessage {
  place: MessagePlace;
  text?: string;
  blocks?: unknown[];
}

/** A button that can be pressed, with the message it is in (as it is now). */
export interface PressableButton {
  button: RenderedButton;
  message: ShownMessage;
}

/** How the feed prints and names things. */
export interface FeedOptions {
  slack: SlackStandin;
  views: ViewTracker;
  print(lines: string[]): void;
  /** Current render settings (colour, width, time zone). */
  render(): RenderOptions;
  /** `#ops` for a channel id, `@tess` for a direct message. */
  channelLabel(id: string): string;
  /** The demo name of a Slack user id, when known. */
  userName(id: string): string | undefined;
  /** Who is at the console now (their ephemeral messages read "only visible to you"). */
  currentUserId(): string;
  /** Where a response_url post that belongs to no known request is shown. */
  defaultChannel: string;
}

/** Where the posts to one response_url go, and the message they may replace. */
interface ResponseTarget {
  channel: string;
  userId: string;
  /** Key of the message `replace_original` replaces. */
  original?: string;
  /** Button presses always replace the message the button was in; commands replace their latest answer. */
  fixed: boolean;
}

type Json = Record<string, unknown>;

/** How long a response_url post waits for its request to be registered before it is shown anyway. */
const HOLD_MS = 2000;

/** The Slack client's screen; see the module comment. */
export class SlackFeed {
  readonly #options: FeedOptions;
  readonly #messages = new Map<string, ShownMessage>();
  readonly #numbersOf = new Map<string, number[]>();
  readonly #buttons = new Map<number, { key: string; button: RenderedButton }>();
  readonly #targets = new Map<string, ResponseTarget>();
  readonly #held = new Map<string, { bodies: Json[]; timer: NodeJS.Timeout }>();
  readonly #unsubscribe: () => void;
  #nextNumber = 1;
  #ephemeralCount = 0;

  constructor(options: FeedOptions) {
    this.#options = options;
    this.#unsubscribe = options.slack.onActivity((event) => {
      if (event.type === 'call') this.#onCall(event.call);
      else this.#onResponse(event.response);
    });
  }

  /**
   * A slash command was answered: shows the ack's message, if it carried one, and sends
   * later posts to its response_url to the same place.
   */
  commandAnswered(sent: SentRequest, channel: string, userId: string): void {
    const target: ResponseTarget = { channel, userId, fixed: false };
    const body = ackMessage(sent);
    if (body !== undefined) this.#reply(target, body);
    this.#register(sent.responseId, target);
  }

  /** A button was pressed: posts to its response_url replace (or delete) the message it was in. */
  actionAnswered(sent: SentRequest, pressed: PressableButton, userId: string): void {
    if (sent.responseId === '') return;
    const target: ResponseTarget = { channel: pressed.message.place.channel, userId, original: keyOf(pressed.message.place), fixed: true };
    this.#register(sent.responseId, target);
  }

  /** The button shown with `number`, if its message still shows it. */
  button(number: number): PressableButton | undefined {
    const found = this.#buttons.get(number);
    const message = found && this.#messages.get(found.key);
    return found && message ? { button: found.button, message } : undefined;
  }

  /** The newest button on screen whose text is `label` (any case): scripts can say `press Confirm`. */
  buttonLabelled(label: string): PressableButton | undefined {
    const numbers = [...this.#buttons]
      .filter(([, found]) => found.button.text.toLowerCase() === label.toLowerCase())
      .map(([number]) => number);
    return numbers.length > 0 ? this.button(Math.max(...numbers)) : undefined;
  }

  /** Shows a channel's messages again (with fresh button numbers); false when it has none. */
  showChannel(channel: string): boolean {
    const keys = [...this.#messages].filter(([, m]) => m.place.kind === 'channel' && m.place.channel === channel).map(([key]) => key);
    for (const key of keys) this.#show(key, this.#messages.get(key)!, '');
    return keys.length > 0;
  }

  /** Stops following the stand-in. */
  close(): void {
    this.#unsubscribe();
    for (const { timer } of this.#held.values()) clearTimeout(timer);
  }

  #onCall(call: RecordedSlackCall): void {
    const result = record(call.result);
    const shown = /^(chat|views)\./.test(call.method);
    if (result.ok !== true) {
      if (shown) this.#options.print([this.#paint(`! Slack refused ${call.method}: ${str(result.error) ?? 'no answer'}`, 'red')]);
      return;
    }
    const message = record(result.message);
    switch (call.method) {
      case 'chat.postMessage': {
        const threadTs = str(message.thread_ts);
        const place: MessagePlace = {
          kind: 'channel',
          channel: str(result.channel) ?? '',
          ts: str(result.ts) ?? '',
          ...(threadTs ? { threadTs } : {}),
        };
        return this.#show(keyOf(place), { place, ...content(message) }, '');
      }
      case 'chat.update': {
        const place: MessagePlace = { kind: 'channel', channel: str(result.channel) ?? '', ts: str(result.ts) ?? '' };
        const key = keyOf(place);
        const before = this.#messages.get(key)?.place ?? place;
        return this.#show(key, { place: before, ...content(message) }, 'edited');
      }
      case 'chat.delete':
        return this.#delete(keyOf({ kind: 'channel', channel: str(result.channel) ?? '', ts: str(result.ts) ?? '' }));
      case 'chat.postEphemeral': {
        const place: MessagePlace = {
          kind: 'ephemeral',
          channel: str(call.args.channel) ?? this.#options.defaultChannel,
          ts: str(result.message_ts) ?? this.#pseudoTs(),
          userId: str(call.args.user) ?? '',
        };
        return this.#show(keyOf(place), { place, ...content(call.args) }, '');
      }
      case 'chat.scheduleMessage':
        return this.#options.print([
          '',
          this.#paint(`${this.#options.channelLabel(str(call.args.channel) ?? '')} · DART · message scheduled`, 'dim'),
        ]);
      case 'views.open':
      case 'views.push':
        return this.#options.views.opened(result.view);
      case 'views.update':
        return this.#options.views.updated(result.view);
    }
  }

  #onResponse(response: RecordedResponse): void {
    const target = this.#targets.get(response.id);
    if (target !== undefined) return this.#reply(target, response.body);
    // The app can answer through response_url before the console has read its ack: hold
    // the post until the request is registered, so it lands in the right place.
    let held = this.#held.get(response.id);
    if (held === undefined) {
      const fallback: ResponseTarget = { channel: this.#options.defaultChannel, userId: this.#options.currentUserId(), fixed: false };
      held = { bodies: [], timer: setTimeout(() => this.#register(response.id, fallback), HOLD_MS) };
      this.#held.set(response.id, held);
    }
    held.bodies.push(response.body);
  }

  #register(responseId: string, target: ResponseTarget): void {
    if (responseId === '') return;
    this.#targets.set(responseId, target);
    const held = this.#held.get(responseId);
    if (held === undefined) return;
    clearTimeout(held.timer);
    this.#held.delete(responseId);
    for (const body of held.bodies) this.#reply(target, body);
  }

  /** A message sent through a response_url or an ack, following Slack's rules for them. */
  #reply(target: ResponseTarget, body: Json): void {
    const original = target.original === undefined ? undefined : this.#messages.get(target.original);
    if (body.delete_original === true) {
      if (target.original !== undefined) this.#delete(target.original);
      return;
    }
    if (body.replace_original === true && original !== undefined && target.original !== undefined) {
      return this.#show(target.original, { place: original.place, ...content(body) }, 'edited');
    }
    const ts = this.#pseudoTs();
    const place: MessagePlace =
      body.response_type === 'in_channel'
        ? { kind: 'channel', channel: target.channel, ts }
        : { kind: 'ephemeral', channel: target.channel, ts, userId: target.userId };
    const key = keyOf(place);
    this.#show(key, { place, ...content(body) }, '');
    if (!target.fixed) target.original = key;
  }

  #show(key: string, message: ShownMessage, note: '' | 'edited'): void {
    this.#forgetButtons(key);
    this.#messages.set(key, message);
    const options = this.#options.render();
    const rendered = renderMessage(withNames(message, this.#options), { ...options, width: (options.width ?? 80) - 2 }, this.#nextNumber);
    this.#nextNumber += rendered.buttons.length;
    for (const button of rendered.buttons) this.#buttons.set(button.number, { key, button });
    this.#numbersOf.set(
      key,
      rendered.buttons.map((button) => button.number),
    );
    const lines = rendered.lines.length > 0 ? rendered.lines : ['(empty message)'];
    this.#options.print(['', this.#heading(message.place, note), ...lines.map((line) => `  ${line}`)]);
  }

  #delete(key: string): void {
    const message = this.#messages.get(key);
    if (message === undefined) return;
    this.#forgetButtons(key);
    this.#messages.delete(key);
    this.#options.print(['', this.#heading(message.place, 'deleted')]);
  }

  #forgetButtons(key: string): void {
    for (const number of this.#numbersOf.get(key) ?? []) this.#buttons.delete(number);
    this.#numbersOf.delete(key);
  }

  #heading(place: MessagePlace, note: '' | 'edited' | 'deleted'): string {
    const where = this.#paint(this.#options.channelLabel(place.channel), 'bold');
    const parts = [where, 'DART'];
    if (place.kind === 'channel' && place.threadTs !== undefined) parts.push('in a thread');
    if (place.kind === 'ephemeral') {
      const to = place.userId === this.#options.currentUserId() ? 'you' : (this.#options.userName(place.userId) ?? place.userId);
      parts.push(this.#paint(`only visible to ${to}`, 'dim'));
    }
    if (note === 'edited') parts.push('(edited)');
    if (note === 'deleted') parts.push('(message deleted)');
    return parts.join(' · ');
  }

  #paint(text: string, style: 'bold' | 'dim' | 'red'): string {
    return paint(text, style, this.#options.render());
  }

  /** Slack gives ephemeral messages a ts the app never sees; the console makes one up to tell them apart. */
  #pseudoTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.#ephemeralCount).padStart(6, '0')}`;
  }
}

function keyOf(place: MessagePlace): string {
  return place.kind === 'channel' ? `${place.channel}/${place.ts}` : `ephemeral/${place.ts}`;
}

function content(source: Json): { text?: string; blocks?: unknown[] } {
  const text = str(source.text);
  const blocks = Array.isArray(source.blocks) ? source.blocks : undefined;
  return { ...(text !== undefined ? { text } : {}), ...(blocks !== undefined ? { blocks } : {}) };
}

/** The message an ack carried: a JSON message body, or plain text, which Slack shows as it is. */
function ackMessage(sent: SentRequest): Json | undefined {
  const json = record(sent.json);
  if (typeof json.text === 'string' || Array.isArray(json.blocks)) return json;
  if (sent.json === undefined && sent.body.trim() !== '' && sent.status === 200) return { text: sent.body };
  return undefined;
}

/**
 * Channel mentions with names: Slack shows `<#C123>` as `#name`, which the renderer cannot
 * know, so the demo's channels get their labels added before rendering (users are named
 * by the render options).
 */
function withNames(message: ShownMessage, names: Pick<FeedOptions, 'channelLabel'>): ShownMessage {
  const label = (text: string): string =>
    text.replace(/<#([CG][A-Z0-9]+)>/g, (_whole, id: string) => `<#${id}|${names.channelLabel(id).replace(/^#/, '')}>`);
  const blocks = message.blocks
    ? (JSON.parse(JSON.stringify(message.blocks), (_key, value: unknown) => {
        const object = record(value);
        return object.type === 'mrkdwn' && typeof object.text === 'string' ? { ...object, text: label(object.text) } : value;
      }) as unknown[])
    : undefined;
  return { ...message, ...(message.text !== undefined ? { text: label(message.text) } : {}), ...(blocks ? { blocks } : {}) };
}
