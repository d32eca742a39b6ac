/**
 * Builds the requests Slack sends to an app (slash commands, interactive payloads), signed with Slack's
 * v0 algorithm, and POSTs them to the app. response_urls point at the Slack stand-in so replies are recorded.
 * The same payloads go over Socket Mode (`slashCommandFields`, `blockActionPayload` and the stand-in's
 * `socketMode.deliver`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SlackStandin } from './standin.ts';

const TEAM = { id: 'T00000001', domain: 'demo' } as const;
const API_APP_ID = 'A0DEMO001';
const VERIFICATION_TOKEN = 'verification-token-unused';
const BOT_USER_ID = 'U0BOT0001';
const BOT_ID = 'B0BOT0001';
const DEFAULT_CHANNEL = 'C0DEMO001';
const FORM = 'application/x-www-form-urlencoded';

/** Slack's v0 request signature headers for a raw body. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestampSeconds) };
}

/** The Slack user a request comes from. */
export interface SlackUser {
  id: string;
  name?: string;
  teamId?: string;
}

/** Where requests go (the app's Slack endpoint) and how they are signed. */
export interface SlackRequestTarget {
  /** e.g. http://127.0.0.1:3000/slack/events */
  appUrl: string;
  signingSecret: string;
  standin: SlackStandin;
}

/** The app's answer to one request. */
export interface SentRequest {
  status: number;
  body: string;
  /** Parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
  /** Id to match standin.responses; '' when Slack sends no response_url for this kind of request. */
  responseId: string;
}

/** The clicked element; block_id, text and value default to those found in the message or view. */
type BlockAction = { action_id: string; block_id?: string; value?: string; type?: string; selected_option?: unknown };

/** Where the click happens: a message (default: an ephemeral one), or a modal with `view`. */
interface BlockActionOptions {
  channelId?: string;
  message?: { ts: string; blocks?: unknown[]; text?: string };
  view?: Record<string, unknown>;
  container?: Record<string, unknown>;
}

// Shared by all instances so ids stay unique when several users' SlackRequests target one stand-in.
let counter = 0;

/** Builds real-shaped payloads for one workspace and sends them, signed, to the app. */
export class SlackRequests {
  readonly #target: SlackRequestTarget;

  constructor(target: SlackRequestTarget) {
    this.#target = target;
  }

  /** A slash command, form-encoded with the fields Slack sends. */
  slashCommand(user: SlackUser, text: string, options: { command?: string; channelId?: string } = {}): Promise<SentRequest> {
    const { body, responseId } = this.slashCommandBody(user, text, options);
    return this.#post(body, responseId);
  }

  /**
   * The unsigned form body of a slash command and the id of its response_url, for a load
   * generator that sends requests itself and signs each one as it goes out.
   */
  slashCommandBody(
    user: SlackUser,
    text: string,
    options: { command?: string; channelId?: string } = {},
  ): { body: string; responseId: string } {
    const { fields, responseId } = this.slashCommandFields(user, text, options);
    return { body: new URLSearchParams(fields).toString(), responseId };
  }

  /** A slash command's fields: form-encoded over HTTP, the envelope's payload in Socket Mode. */
  slashCommandFields(
    user: SlackUser,
    text: string,
    options: { command?: string; channelId?: string } = {},
  ): { fields: Record<string, string>; responseId: string } {
    const channelId = options.channelId ?? DEFAULT_CHANNEL;
    const responseId = nextId('cmd');
    const fields = {
      token: VERIFICATION_TOKEN,
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: channelId,
      channel_name: `channel-${channelId}`,
      user_id: user.id,
      user_name: user.name ?? user.id,
      command: options.command ?? '/dart',
      text,
      api_app_id: API_APP_ID,
      is_enterprise_install: 'false',
      response_url: this.#target.standin.responseUrl(responseId),
      trigger_id: triggerId(),
    };
    return { fields, responseId };
  }

  /**
   * A click (or select) in a message or, with `options.view`, in a modal. Without `options.message` the
   * click is on an ephemeral message, for which Slack sends no `message`. Modal clicks carry no response_url.
   * The block_id, button text and value default to those of the element with this action_id in the blocks.
   */
  blockAction(user: SlackUser, action: BlockAction, options: BlockActionOptions = {}): Promise<SentRequest> {
    const { payload, responseId } = this.blockActionPayload(user, action, options);
    return this.#postPayload(payload, responseId);
  }

  /** A click's `block_actions` payload (see `blockAction`): form-encoded over HTTP, the envelope's payload in Socket Mode. */
  blockActionPayload(
    user: SlackUser,
    action: BlockAction,
    options: BlockActionOptions = {},
  ): { payload: Record<string, unknown>; responseId: string } {
    const view = options.view === undefined ? undefined : fullView(options.view);
    const blocks = view !== undefined ? view.blocks : options.message?.blocks;
    const element = findElement(blocks, action.action_id);
    const fullAction = {
      type: action.type ?? 'button',
      action_id: action.action_id,
      block_id: action.block_id ?? element?.blockId ?? nextId('b'),
      text: element?.element.text,
      value: action.value ?? element?.element.value,
      selected_option: action.selected_option,
      action_ts: actionTs(),
    };
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: slackUser(user),
      api_app_id: API_APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: triggerId(),
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      actions: [fullAction],
    };
    let responseId = '';
    if (view !== undefined) {
      payload.container = options.container ?? { type: 'view', view_id: view.id };
      payload.view = view;
    } else {
      const channelId = options.channelId ?? DEFAULT_CHANNEL;
      const message = options.message;
      responseId = nextId('act');
      payload.container = options.container ?? {
        type: 'message',
        message_ts: message?.ts ?? actionTs(),
        channel_id: channelId,
        is_ephemeral: message === undefined,
      };
      payload.channel = { id: channelId, name: `channel-${channelId}` };
      if (message !== undefined) {
        payload.message = {
          type: 'message',
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          team: TEAM.id,
          text: message.text ?? '',
          blocks: message.blocks ?? [],
          ts: message.ts,
        };
      }
      payload.state = { values: {} };
      payload.response_url = this.#target.standin.responseUrl(responseId);
    }
    return { payload, responseId };
  }

  /** A modal's submit button. Slack sends `response_urls: []` (no response_url) for modals. */
  viewSubmission(
    user: SlackUser,
    view: {
      id?: string;
      callback_id: string;
      private_metadata?: string;
      state: { values: Record<string, Record<string, unknown>> };
      blocks?: unknown[];
    },
  ): Promise<SentRequest> {
    return this.#postPayload(
      {
        type: 'view_submission',
        team: TEAM,
        user: slackUser(user),
        api_app_id: API_APP_ID,
        token: VERIFICATION_TOKEN,
        trigger_id: triggerId(),
        view: fullView(view),
        response_urls: [],
        enterprise: null,
        is_enterprise_install: false,
      },
      '',
    );
  }

  /** A modal closed with its close button (sent only for views opened with notify_on_close). */
  viewClosed(user: SlackUser, view: { id?: string; callback_id: string; private_metadata?: string }): Promise<SentRequest> {
    return this.#postPayload(
      {
        type: 'view_closed',
        team: TEAM,
        user: slackUser(user),
        api_app_id: API_APP_ID,
        token: VERIFICATION_TOKEN,
        view: fullView({ notify_on_close: true, ...view }),
        is_cleared: false,
        enterprise: null,
        is_enterprise_install: false,
      },
      '',
    );
  }

  /** A global shortcut (from the search bar); Slack sends a trigger_id but no response_url. */
  globalShortcut(user: SlackUser, callbackId: string): Promise<SentRequest> {
    return this.#postPayload(
      {
        type: 'shortcut',
        token: VERIFICATION_TOKEN,
        action_ts: actionTs(),
        team: TEAM,
        user: slackUser(user),
        is_enterprise_install: false,
        enterprise: null,
        callback_id: callbackId,
        trigger_id: triggerId(),
      },
      '',
    );
  }

  /** Sends any raw body with the given signature headers, for tests of bad signatures and stale timestamps. */
  raw(body: string, headers: Record<string, string>, contentType: string = FORM): Promise<SentRequest> {
    return this.#send(body, headers, contentType, '');
  }

  #postPayload(payload: Record<string, unknown>, responseId: string): Promise<SentRequest> {
    return this.#post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), responseId);
  }

  #post(body: string, responseId: string): Promise<SentRequest> {
    return this.#send(body, signSlackRequest(this.#target.signingSecret, body), FORM, responseId);
  }

  async #send(body: string, headers: Record<string, string>, contentType: string, responseId: string): Promise<SentRequest> {
    const response = await fetch(this.#target.appUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: text, json, responseId };
  }
}

/** Builds the state.values for a view_submission from a map of block_id → { action_id → value } where a string becomes {type:'plain_text_input', value}; objects are passed through. */
export function viewState(values: Record<string, Record<string, string | Record<string, unknown>>>): {
  values: Record<string, Record<string, unknown>>;
} {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [blockId, actions] of Object.entries(values)) {
    out[blockId] = Object.fromEntries(
      Object.entries(actions).map(([actionId, value]) => [
        actionId,
        typeof value === 'string' ? { type: 'plain_text_input', value } : value,
      ]),
    );
  }
  return { values: out };
}

function nextId(prefix: string): string {
  return `${prefix}-${++counter}-${randomBytes(3).toString('hex')}`;
}

/** Shaped like Slack's trigger ids ('<number>.<number>.<hex>'); apps only echo it back to views.open. */
function triggerId(): string {
  return `${Date.now()}.${++counter}.${randomBytes(16).toString('hex')}`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

function slackUser(user: SlackUser): Record<string, unknown> {
  const name = user.name ?? user.id;
  return { id: user.id, username: name, name, team_id: user.teamId ?? TEAM.id };
}

/** A view as Slack sends it back in interactive payloads: the caller's fields over Slack's defaults. */
function fullView(view: Record<string, unknown>): Record<string, unknown> & { id: string; blocks: unknown[] } {
  const id = typeof view.id === 'string' ? view.id : `V${String(++counter).padStart(10, '0')}`;
  return {
    team_id: TEAM.id,
    type: 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: id,
    previous_view_id: null,
    app_id: API_APP_ID,
    external_id: '',
    app_installed_team_id: TEAM.id,
    bot_id: BOT_ID,
    ...view,
    id,
  } as Record<string, unknown> & { id: string; blocks: unknown[] };
}

/** Finds the element with `actionId` in blocks (section accessories and actions/input elements). */
function findElement(blocks: unknown, actionId: string): { blockId: string | undefined; element: Record<string, unknown> } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as Record<string, unknown>[]) {
    const candidates = [block.accessory, block.element, ...(Array.isArray(block.elements) ? block.elements : [])];
    for (const candidate of candidates) {
      if (typeof candidate === 'object' && candidate !== null && (candidate as Record<string, unknown>).action_id === actionId) {
        const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
        return { blockId, element: candidate as Record<string, unknown> };
      }
    }
  }
  return undefined;
}
