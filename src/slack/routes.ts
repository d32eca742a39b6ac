import type { AllMiddlewareArgs, AnyMiddlewareArgs, App, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ROLE_VARIABLE, type AccessControl, type Role } from './access.ts';
import { noticeView } from './modals.ts';
import { code, escapeMrkdwn } from './mrkdwn.ts';
import type { SlackRejectReason, SlackRejections } from './rejections.ts';
import { isDatabaseUnavailable } from '../storage/errors.ts';
import type { Logger } from '../util/logger.ts';
import { DATABASE_UNAVAILABLE } from './dart-failures.ts';

export const SLASH_COMMAND = '/dart';

/** What a subcommand gets once its arguments have been checked and Slack has been acked. */
interface CommandInvocation {
  userId: string;
  channelId: string;
  triggerId: string;
  respond: RespondFn;
  client: WebClient;
}

export type ParseResult<A> = { ok: true; args: A } | { ok: false; error: string };

/** One `/dart <name> …` subcommand: its grammar, who may run it, and what it does. */
export interface SubcommandSpec<A> {
  name: string;
  /** e.g. `/dart balance <user>` */
  usage: string;
  summary: string;
  role: Role;
  /** Checks the words after the name; an error is shown with the usage, and nothing is sent to DART. */
  parse(words: string[]): ParseResult<A>;
  /** Runs after the ack; answers through `respond` or the Web API. */
  run(invocation: CommandInvocation, args: A): Promise<void>;
}

/** A subcommand with its argument type hidden, ready to be stored in one list. */
export interface Subcommand {
  name: string;
  usage: string;
  summary: string;
  role: Role;
  prepare(words: string[]): { ok: true; run: (invocation: CommandInvocation) => Promise<void> } | { ok: false; error: string };
}

export function defineSubcommand<A>(spec: SubcommandSpec<A>): Subcommand {
  return {
    name: spec.name,
    usage: spec.usage,
    summary: spec.summary,
    role: spec.role,
    prepare(words) {
      const parsed = spec.parse(words);
      return parsed.ok ? { ok: true, run: (invocation) => spec.run(invocation, parsed.args) } : parsed;
    },
  };
}

/** What a handler gets: Bolt's arguments, and `userId`, the one the role gate checked (`actingUserId`). */
type Handler<Args> = (args: Args & AllMiddlewareArgs & { userId: string }) => Promise<void>;
type ActionArgs = Parameters<Parameters<App['action']>[1]>[0];
type ViewArgs = Parameters<Parameters<App['view']>[1]>[0];
type ShortcutArgs = Parameters<Parameters<App['shortcut']>[1]>[0];

/**
 * Every Slack entry point of the app is registered here with the role it needs, and one
 * middleware checks that role before any handler runs: commands, buttons, modal
 * submissions and shortcuts alike. A refused caller is told which role is needed.
 */
export class SlackRoutes {
  readonly subcommands: Subcommand[] = [];
  readonly #app: App;
  readonly #access: AccessControl;
  readonly #logger: Logger;
  readonly #rejected: SlackRejections;
  readonly #roles = new Map<string, Role>();

  constructor(app: App, access: AccessControl, logger: Logger, rejected: SlackRejections) {
    this.#app = app;
    this.#access = access;
    this.#logger = logger;
    this.#rejected = rejected;
    app.use((args) => this.#authorize(args));
    // Slack waits for an ack of view_closed like any interaction (a 404 after 3 s otherwise);
    // nothing else is to be done when a form is closed.
    app.view({ type: 'view_closed' }, async ({ ack }) => {
      await ack();
    });
  }

  get access(): AccessControl {
    return this.#access;
  }

  /** Adds a `/dart` subcommand. */
  subcommand(subcommand: Subcommand): void {
    this.subcommands.push(subcommand);
    this.#roles.set(`command:${subcommand.name}`, subcommand.role);
  }

  /** A button (or other block element) by action_id. */
  action(actionId: string, role: Role, handler: Handler<ActionArgs>): void {
    this.#roles.set(`action:${actionId}`, role);
    this.#app.action(actionId, this.#guard(handler));
  }

  /** A modal's submission by callback_id. */
  view(callbackId: string, role: Role, handler: Handler<ViewArgs>): void {
    this.#roles.set(`view:${callbackId}`, role);
    this.#app.view(callbackId, this.#guard(handler));
  }

  /** A global or message shortcut by callback_id. */
  shortcut(callbackId: string, role: Role, handler: Handler<ShortcutArgs>): void {
    this.#roles.set(`shortcut:${callbackId}`, role);
    this.#app.shortcut(callbackId, this.#guard(handler));
  }

  /** Registers the `/dart` listener; call after every subcommand has been added. */
  listen(): void {
    this.#app.command(SLASH_COMMAND, (args) => this.#dispatch(args));
  }

  async #dispatch({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const [first, ...words] = command.text
      .trim()
      .split(/\s+/)
      .filter((word) => word !== '');
    const name = (first ?? 'help').toLowerCase();
    const subcommand = this.subcommands.find((candidate) => candidate.name === name);
    if (!subcommand) {
      await ack(ephemeral(`Unknown command ${code(name)}. Try ${code(`${SLASH_COMMAND} help`)} for the list.`));
      return;
    }
    const prepared = subcommand.prepare(words);
    if (!prepared.ok) {
      await ack(ephemeral(`${escapeMrkdwn(prepared.error)}\nUsage: ${code(subcommand.usage)}`));
      return;
    }
    await ack();
    try {
      await prepared.run({
        userId: actingUserId(command) ?? '',
        channelId: command.channel_id,
        triggerId: command.trigger_id,
        respond,
        client,
      });
    } catch (error) {
      this.#logger.error({ err: error, subcommand: name }, 'subcommand failed');
      const text = isDatabaseUnavailable(error)
        ? `:warning: ${DATABASE_UNAVAILABLE}`
        : `Sorry, ${code(`${SLASH_COMMAND} ${name}`)} failed on our side. It has been logged.`;
      await respond(ephemeral(text)).catch(() => {});
    }
  }

  /** Catches what a handler throws, so a bug becomes a log line rather than a hung request. */
  #guard<Args extends { body: unknown }>(handler: Handler<Args>): (args: Args & AllMiddlewareArgs) => Promise<void> {
    return async (args) => {
      try {
        // The gate refused every payload without a user before any handler runs.
        await handler({ ...args, userId: actingUserId(args.body) ?? '' });
      } catch (error) {
        this.#logger.error({ err: error }, 'interaction handler failed');
      }
    };
  }

  async #authorize(args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const entry = entryOf(args.body, this.subcommands);
    const type = typeOf(args.body);
    // Fail closed: a payload kind or element the app never registered is refused, not passed on.
    const role = entry && (entry.role ?? this.#roles.get(entry.key));
    if (!entry || !role) return this.#refuse(args, 'unclassified', { type, gate: entry?.key });
    const userId = actingUserId(args.body);
    if (!userId) return this.#refuse(args, 'no_user', { type, gate: entry.key });
    if (role === 'anyone' || (await this.#access.allows(userId, role))) {
      await args.next();
      return;
    }
    const text = `${entry.label} needs the *${role}* role (${ROLE_VARIABLE[role]}). Ask an admin of this app to add you.`;
    await this.#refuse(args, 'forbidden_role', { userId, gate: entry.key, role }, text);
  }

  /** Acks a refused request (so Slack shows no error) and tells the caller why when there is a caller to tell. */
  async #refuse(
    args: AnyMiddlewareArgs & AllMiddlewareArgs,
    reason: SlackRejectReason,
    detail: Record<string, unknown>,
    text?: string,
  ): Promise<void> {
    this.#rejected(reason, detail);
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    if (text === undefined) await ack?.();
    else await tell(args, ack, text);
  }
}

/** The entry point a request is for: its key in the role table (or the role it needs), and how a refusal names it. */
interface Entry {
  key: string;
  label: string;
  role?: Role | 'anyone';
}

/**
 * Classifies a request by payload kind. Anything else (legacy `interactive_message`,
 * `block_suggestion`, `dialog_submission`, another slash command, …) is undefined: the
 * app registers nothing for it, so the gate refuses it rather than let Bolt route it.
 */
function entryOf(body: AnyMiddlewareArgs['body'], subcommands: Subcommand[]): Entry | undefined {
  const payload = body as Record<string, unknown>;
  if (payload.command !== undefined) {
    if (payload.command !== SLASH_COMMAND) return undefined;
    const name =
      String(payload.text ?? '')
        .trim()
        .split(/\s+/)[0]
        ?.toLowerCase() || 'help';
    const known = subcommands.some((candidate) => candidate.name === name);
    // An unknown subcommand runs nothing: it is answered with a hint, whoever asks.
    return { key: `command:${name}`, label: code(`${SLASH_COMMAND} ${name}`), ...(known ? {} : { role: 'anyone' as const }) };
  }
  switch (payload.type) {
    case 'block_actions': {
      const actions = payload.actions as Array<{ action_id?: unknown }> | undefined;
      // Bolt runs a listener per action; the app's buttons send one, so more is not ours.
      const actionId = actions?.length === 1 ? actions[0]?.action_id : undefined;
      return typeof actionId === 'string' ? { key: `action:${actionId}`, label: 'This button' } : undefined;
    }
    case 'view_submission': {
      const callbackId = (payload.view as { callback_id?: unknown } | undefined)?.callback_id;
      return typeof callbackId === 'string' ? { key: `view:${callbackId}`, label: 'This form' } : undefined;
    }
    // Closing a modal runs nothing but its ack.
    case 'view_closed':
      return { key: 'view_closed', label: 'Closing this form', role: 'anyone' };
    // Bolt's app.shortcut(callbackId) also matches message shortcuts: gate both the same way.
    case 'shortcut':
    case 'message_action':
      return typeof payload.callback_id === 'string' ? { key: `shortcut:${payload.callback_id}`, label: 'This shortcut' } : undefined;
    default:
      return undefined;
  }
}

function typeOf(body: AnyMiddlewareArgs['body']): string {
  const payload = body as { command?: unknown; type?: unknown };
  return payload.command !== undefined ? 'command' : String(payload.type);
}

/**
 * The Slack user a request acts as: `user_id` of a slash command, `user.id` of every
 * interactive payload. The role gate checks this very id, and a payload that carries none
 * is refused; handlers get it as `userId`, never from the payload themselves.
 */
export function actingUserId(body: unknown): string | undefined {
  const payload = body as { command?: unknown; user_id?: unknown; user?: { id?: unknown } | null };
  const id = payload.command !== undefined ? payload.user_id : payload.user?.id;
  // Only a Slack user id (`U…`, or `W…` in Enterprise Grid) can act; a group or any other id is no user.
  return typeof id === 'string' && /^[UW][A-Z0-9]+$/.test(id) ? id : undefined;
}

/** Tells a caller without the role why, in the way each kind of request allows. */
async function tell(
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  ack: ((response?: unknown) => Promise<void>) | undefined,
  text: string,
): Promise<void> {
  const body = args.body as { type?: string; command?: string; trigger_id?: string };
  if (body.command !== undefined) {
    await ack?.(ephemeral(text));
  } else if (body.type === 'view_submission') {
    await ack?.({ response_action: 'update', view: noticeView('Not allowed', text) });
  } else if ((body.type === 'shortcut' || body.type === 'message_action') && body.trigger_id) {
    await ack?.();
    await args.client.views.open({ trigger_id: body.trigger_id, view: noticeView('Not allowed', text) });
  } else {
    await ack?.();
    if ('respond' in args) await (args.respond as RespondFn)(ephemeral(text));
  }
}

/** An ephemeral reply that leaves the original message in place. */
export function ephemeral(text: string, blocks?: unknown[]) {
  return { response_type: 'ephemeral' as const, replace_original: false, text, ...(blocks ? { blocks } : {}) };
}
