import type { AllMiddlewareArgs, AnyMiddlewareArgs, App, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ROLE_VARIABLE, type AccessControl, type Role } from './access.ts';
import { noticeView } from './modals.ts';
import { code, escapeMrkdwn } from './mrkdwn.ts';
import type { Logger } from '../util/logger.ts';

export const SLASH_COMMAND = '/dart';

/** What a subcommand gets once its arguments have been checked and Slack has been acked. */
export interface CommandInvocation {
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

type Handler<Args> = (args: Args & AllMiddlewareArgs) => Promise<void>;
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
  readonly #roles = new Map<string, Role>();

  constructor(app: App, access: AccessControl, logger: Logger) {
    this.#app = app;
    this.#access = access;
    this.#logger = logger;
    app.use((args) => this.#authorize(args));
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
    const [first, ...words] = command.text.trim().split(/\s+/).filter((word) => word !== '');
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
      await prepared.run({ userId: command.user_id, channelId: command.channel_id, triggerId: command.trigger_id, respond, client });
    } catch (error) {
      this.#logger.error({ err: error, subcommand: name }, 'subcommand failed');
      await respond(ephemeral(`Sorry, ${code(`${SLASH_COMMAND} ${name}`)} failed on our side. It has been logged.`)).catch(() => {});
    }
  }

  /** Catches what a handler throws, so a bug becomes a log line rather than a hung request. */
  #guard<Args>(handler: Handler<Args>): Handler<Args> {
    return async (args) => {
      try {
        await handler(args);
      } catch (error) {
        this.#logger.error({ err: error }, 'interaction handler failed');
      }
    };
  }

  async #authorize(args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const gate = gateOf(args.body, this.subcommands);
    const role = gate && this.#roles.get(gate.key);
    const userId = userOf(args.body);
    if (!role || !userId || (await this.#access.allows(userId, role))) {
      await args.next();
      return;
    }
    const text = `${gate.label} needs the *${role}* role (${ROLE_VARIABLE[role]}). Ask an admin of this app to add you.`;
    this.#logger.info({ userId, gate: gate.key, role }, 'refused: missing role');
    await refuse(args, text);
  }
}

/** What kind of entry point a request is for, and its key in the role table. */
function gateOf(body: AnyMiddlewareArgs['body'], subcommands: Subcommand[]): { key: string; label: string } | undefined {
  const payload = body as Record<string, unknown>;
  if (typeof payload.command === 'string') {
    const name = String(payload.text ?? '').trim().split(/\s+/)[0]?.toLowerCase() || 'help';
    const known = subcommands.some((candidate) => candidate.name === name);
    return known ? { key: `command:${name}`, label: code(`${SLASH_COMMAND} ${name}`) } : undefined;
  }
  if (payload.type === 'block_actions') {
    const action = (payload.actions as Array<{ action_id?: string }> | undefined)?.[0];
    return action?.action_id ? { key: `action:${action.action_id}`, label: 'This button' } : undefined;
  }
  if (payload.type === 'view_submission') {
    const view = payload.view as { callback_id?: string } | undefined;
    return view?.callback_id ? { key: `view:${view.callback_id}`, label: 'This form' } : undefined;
  }
  // Bolt's app.shortcut(callbackId) also matches message shortcuts: gate both the same way.
  if (payload.type === 'shortcut' || payload.type === 'message_action') {
    return { key: `shortcut:${String(payload.callback_id)}`, label: 'This shortcut' };
  }
  return undefined;
}

function userOf(body: AnyMiddlewareArgs['body']): string | undefined {
  const payload = body as { user_id?: string; user?: { id?: string } };
  return payload.user_id ?? payload.user?.id;
}

async function refuse(args: AnyMiddlewareArgs & AllMiddlewareArgs, text: string): Promise<void> {
  const body = args.body as { type?: string; command?: string; trigger_id?: string };
  const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
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
