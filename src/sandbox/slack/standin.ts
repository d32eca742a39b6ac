/**
 * A local stand-in for Slack: the Web API (`/api/<method>`) and response_url endpoints (`/response/<id>`),
 * on plain `node:http`, and Socket Mode's WebSocket (`/link/`, see socket-mode.ts) on the same port.
 * It records what the app sends, keeps the messages and views Slack would show, and can be told
 * to fail the way Slack fails (errors, 5xx, rate limits, delays, resets, outages).
 * It never talks to the real Slack.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSocketModeServer, type SocketModeServer } from './socket-mode.ts';

/** One Web API call the app made, in arrival order. */
export interface RecordedSlackCall {
  /** Web API method, e.g. 'chat.postMessage'. */
  method: string;
  /** Body parsed from JSON or urlencoded form; JSON-looking form values (blocks, view, …) parsed back; `token` removed. */
  args: Record<string, unknown>;
  /** From the `Authorization: Bearer` header or the form's `token` field. */
  token: string | undefined;
  at: Date;
  /** The JSON the stand-in answered, e.g. to read a `ts` or view `id`; absent when a fault sent no JSON. */
  result?: Record<string, unknown>;
}

/** One POST to a response_url. */
export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
  at: Date;
}

/** A message as Slack would show it in a channel. */
export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** How many times chat.update changed it. */
  updated: number;
}

/** A way for the stand-in to fail one request. */
export type SlackFault =
  | { kind: 'status'; status: number }
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  /** Applies the call (the message is posted) but holds the answer for `ms`: a client with a shorter timeout never sees it. */
  | { kind: 'answerLate'; ms: number }
  /** Applies the call, then drops the connection instead of answering. */
  | { kind: 'resetAfterApplying' }
  /**
   * Holds the request `ms` before Slack reads it (a slow network on the way): a client that
   * gives up or dies meanwhile leaves nothing applied and nothing recorded.
   */
  | { kind: 'stall'; ms: number };

/** Activity event for live views: a recorded call or response_url post. */
type SlackActivity = { type: 'call'; call: RecordedSlackCall } | { type: 'response'; response: RecordedResponse };

/** The stand-in's control surface; see `createSlackStandin`. */
export interface SlackStandin {
  /** e.g. 'http://127.0.0.1:PORT/api/' (trailing slash); throws before start(). */
  readonly apiUrl: string;
  /** Socket Mode: `apps.connections.open` (with an app-level token) points the app here. */
  readonly socketMode: SocketModeServer;
  readonly calls: RecordedSlackCall[];
  readonly responses: RecordedResponse[];
  /** A response_url for a request; posts to it are recorded under `id`. */
  responseUrl(id: string): string;
  callsTo(method: string): RecordedSlackCall[];
  /** Resolves with the first call (already made or future) to `method` that matches `predicate`; rejects after timeoutMs (default 5000) with a message listing the calls seen. */
  waitForCall(method: string, predicate?: (call: RecordedSlackCall) => boolean, timeoutMs?: number): Promise<RecordedSlackCall>;
  /** Same for response_url posts (filter on `response.id` in the predicate for one request). */
  waitForResponse(predicate?: (response: RecordedResponse) => boolean, timeoutMs?: number): Promise<RecordedResponse>;
  /** Messages per channel as Slack would show them: chat.postMessage adds one, chat.update replaces it by (channel, ts), chat.delete removes it. */
  messages(channel: string): PostedMessage[];
  /** Listener called on every recorded call and response (for a live terminal view). Returns an unsubscribe function. */
  onActivity(listener: (event: SlackActivity) => void): () => void;
  /** How many requests a `stall` fault is holding right now. */
  readonly stalled: number;
  /** Faults consumed one per matching request (method '*' = any Web API method, 'response_url' = response_url posts); times defaults to 1. */
  injectFault(method: string, fault: SlackFault, times?: number): void;
  /** Replace the answer of one method: return the JSON body to send (status 200). */
  override(method: string, handler: ((args: Record<string, unknown>) => Record<string, unknown>) | undefined): void;
  /** Slack's per-channel posting limit: at most one chat.postMessage per channel per `intervalMs`; beyond it 429 with Retry-After (seconds, rounded up). undefined turns it off. */
  setChannelRateLimit(intervalMs: number | undefined): void;
  /** While true, new connections are refused/destroyed immediately and Socket Mode connections dropped (Slack unreachable); the port stays the same when turned back off. */
  setDown(down: boolean): void;
  /** User groups known to usergroups.users.list: { S123: ['U1','U2'] }. */
  setUserGroups(groups: Record<string, string[]>): void;
  /** Users known to users.info (id → tz, tz_offset, real_name). Unknown ids get a default UTC user. */
  setUsers(users: Record<string, { tz: string; tz_offset: number; real_name?: string }>): void;
  /** Clears calls, responses, messages, views, faults, overrides, the rate limit and `setDown`; keeps users and user groups. */
  reset(): void;
  /** Listens on 127.0.0.1 (0 = free port); resolves to apiUrl. */
  start(port?: number): Promise<string>;
  /** Closes the server and all connections. */
  stop(): Promise<void>;
}

type Args = Record<string, unknown>;
type Json = Record<string, unknown>;
/** What to send back: JSON (status 200 unless said otherwise) or a plain-text error page. */
type Answer = { status: number; json?: Json; text?: string; retryAfter?: number };

const TEAM_ID = 'T00000001';
const BOT_USER_ID = 'U0BOT0001';
const BOT_ID = 'B0BOT0001';
const APP_ID = 'A0DEMO001';
const API_PREFIX = '/api/';
const RESPONSE_PREFIX = '/response/';

/**
 * Creates a stopped stand-in; call start(). With `botToken`, Web API calls with another token get invalid_auth.
 * `apps.connections.open` takes only an app-level token (`xapp-…`), and with `appToken` only that one.
 */
export function createSlackStandin(options: { botToken?: string; appToken?: string } = {}): SlackStandin {
  const calls: RecordedSlackCall[] = [];
  const responses: RecordedResponse[] = [];
  const listeners = new Set<(event: SlackActivity) => void>();
  const channels = new Map<string, PostedMessage[]>();
  const views = new Map<string, Json>();
  const faults: { method: string; fault: SlackFault; left: number }[] = [];
  const overrides = new Map<string, (args: Args) => Json>();
  const lastPost = new Map<string, number>();
  let rateLimitMs: number | undefined;
  let userGroups: Record<string, string[]> = {};
  let users: Record<string, { tz: string; tz_offset: number; real_name?: string }> = {};
  let down = false;
  let stalled = 0;
  let origin: string | undefined;
  const socketMode = createSocketModeServer({ origin: () => started(), appId: APP_ID });

  // Counters are never reset so ts and ids stay unique for the stand-in's life, like Slack's.
  let tsCounter = 0;
  let idCounter = 0;
  const nextTs = (): string => {
    const micros = ++tsCounter * 100;
    return `${1700000000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  };
  const nextId = (prefix: string): string => `${prefix}${String(++idCounter).padStart(9, '0')}`;

  const channelMessages = (channel: string): PostedMessage[] => {
    const list = channels.get(channel) ?? [];
    channels.set(channel, list);
    return list;
  };
  const findMessage = (args: Args): PostedMessage | undefined => channels.get(String(args.channel))?.find((m) => m.ts === String(args.ts));
  const fail = (error: string): Json => ({ ok: false, error });

  const storeView = (id: string, view: Json): Json => {
    const stored: Json = {
      team_id: TEAM_ID,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      // An update without external_id keeps the one the view was opened with.
      external_id: views.get(id)?.external_id ?? '',
      state: { values: {} },
      app_id: APP_ID,
      bot_id: BOT_ID,
      ...view,
      id,
      hash: nextId('h'),
    };
    views.set(id, stored);
    return stored;
  };
  const openView = (args: Args): Json => {
    if (!isObject(args.view)) return fail('invalid_arguments');
    return { ok: true, view: storeView(nextId('V'), args.view) };
  };

  // Default answers, shaped like Slack's; anything not listed answers {ok:true}.
  const methods: Record<string, (args: Args) => Json> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://demo.slack.com/',
      team: 'Demo',
      user: 'dartbot',
      team_id: TEAM_ID,
      user_id: BOT_USER_ID,
      bot_id: BOT_ID,
    }),
    'chat.postMessage': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return fail('channel_not_found');
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return fail('no_text');
      const message: PostedMessage = { channel: args.channel, ts: nextTs(), updated: 0 };
      if (typeof args.text === 'string') message.text = args.text;
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      if (args.thread_ts !== undefined) message.thread_ts = String(args.thread_ts);
      channelMessages(args.channel).push(message);
      return { ok: true, channel: message.channel, ts: message.ts, message: slackMessage(message) };
    },
    'chat.update': (args) => {
      const message = findMessage(args);
      if (message === undefined) return fail('message_not_found');
      if (typeof args.text === 'string') message.text = args.text;
      // Slack keeps the previous blocks unless new ones (possibly []) are sent.
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      message.updated += 1;
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text ?? '', message: slackMessage(message) };
    },
    'chat.delete': (args) => {
      const message = findMessage(args);
      if (message === undefined) return fail('message_not_found');
      const list = channelMessages(message.channel);
      list.splice(list.indexOf(message), 1);
      return { ok: true, channel: message.channel, ts: message.ts };
    },
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'chat.scheduleMessage': (args) => ({
      ok: true,
      channel: args.channel,
      scheduled_message_id: nextId('Q'),
      post_at: Number(args.post_at),
      message: { type: 'message', text: args.text ?? '', blocks: args.blocks, user: BOT_USER_ID, bot_id: BOT_ID },
    }),
    'views.open': openView,
    'views.push': openView,
    'views.update': (args) => {
      if (!isObject(args.view)) return fail('invalid_arguments');
      let id: string;
      if (args.view_id !== undefined) {
        id = String(args.view_id);
        if (!views.has(id)) return fail('not_found');
      } else if (args.external_id !== undefined) {
        const byExternalId = [...views.values()].find((v) => v.external_id === args.external_id);
        id = typeof byExternalId?.id === 'string' ? byExternalId.id : String(args.external_id);
      } else {
        return fail('invalid_arguments');
      }
      // Slack refuses an update based on a stale view when the caller sends the hash it last saw.
      if (args.hash !== undefined && views.get(id)?.hash !== args.hash) return fail('hash_conflict');
      return { ok: true, view: storeView(id, args.view) };
    },
    'usergroups.users.list': (args) => {
      const members = userGroups[String(args.usergroup)];
      return members === undefined ? fail('no_such_subteam') : { ok: true, users: [...members] };
    },
    'users.info': (args) => {
      const id = String(args.user);
      const { tz = 'UTC', tz_offset = 0, real_name = `User ${id}` } = users[id] ?? {};
      return { ok: true, user: { id, team_id: TEAM_ID, name: id.toLowerCase(), real_name, tz, tz_offset, profile: { real_name } } };
    },
    'apps.connections.open': () => ({ ok: true, url: socketMode.connectionUrl() }),
    'conversations.info': (args) => ({ ok: true, channel: { id: args.channel, name: `channel-${String(args.channel)}` } }),
    // A response_url post is handled like a method so faults and overrides apply to it too.
    response_url: () => ({ ok: true }),
  };

  const emit = (event: SlackActivity): void => {
    for (const listener of [...listeners]) listener(event);
  };

  const takeFault = (name: string): SlackFault | undefined => {
    const entry = faults.find((f) => f.method === name || (f.method === '*' && name !== 'response_url'));
    if (entry === undefined) return undefined;
    if (--entry.left <= 0) faults.splice(faults.indexOf(entry), 1);
    return entry.fault;
  };

  const faultAnswer = (fault: SlackFault | undefined): Answer | undefined => {
    switch (fault?.kind) {
      case 'status':
        return { status: fault.status, text: `${fault.status} ${STATUS_CODES[fault.status] ?? 'Error'}` };
      case 'ratelimited':
        return { status: 429, json: fail('ratelimited'), retryAfter: fault.retryAfterSeconds };
      case 'error':
        return { status: 200, json: fail(fault.error) };
      default:
        return undefined;
    }
  };

  const authAnswer = (method: string, token: string | undefined): Answer | undefined => {
    if (token === undefined) return options.botToken === undefined ? undefined : { status: 200, json: fail('not_authed') };
    // Socket Mode's connection is opened with the app-level token, and only with it.
    if (method === 'apps.connections.open') {
      if (!token.startsWith('xapp-')) return { status: 200, json: fail('not_allowed_token_type') };
      return options.appToken === undefined || token === options.appToken ? undefined : { status: 200, json: fail('invalid_auth') };
    }
    if (options.botToken === undefined || token === options.botToken) return undefined;
    return { status: 200, json: fail('invalid_auth') };
  };

  const rateLimitAnswer = (method: string, args: Args): Answer | undefined => {
    if (rateLimitMs === undefined || method !== 'chat.postMessage') return undefined;
    const channel = String(args.channel);
    const now = Date.now();
    const last = lastPost.get(channel);
    if (last !== undefined && now - last < rateLimitMs) {
      return { status: 429, json: fail('ratelimited'), retryAfter: Math.ceil((rateLimitMs - (now - last)) / 1000) };
    }
    lastPost.set(channel, now);
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = new Date();
    const url = new URL(req.url ?? '/', 'http://standin');
    const route = routeOf(url.pathname);
    if (route === undefined || (req.method !== 'POST' && !(route.kind === 'api' && req.method === 'GET'))) {
      return send(res, { status: 404, text: 'Not Found' });
    }
    let args: Args;
    try {
      args = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
    } catch {
      return send(res, { status: 200, json: fail('invalid_json') });
    }
    const name = route.kind === 'api' ? route.method : 'response_url';
    const fault = takeFault(name);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'stall') {
      stalled += 1;
      const stillThere = await heldUnlessClosed(res, fault.ms);
      stalled -= 1;
      if (!stillThere) return;
    }

    let answer: Answer | undefined = faultAnswer(fault);
    if (route.kind === 'api') {
      const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
      delete args.token;
      if (fault?.kind !== 'reset') {
        answer ??= authAnswer(name, token) ??
          rateLimitAnswer(name, args) ?? {
            status: 200,
            json: (overrides.get(name) ?? methods[name] ?? (() => ({ ok: true })))(args),
          };
      }
      const call: RecordedSlackCall = { method: name, args, token, at };
      if (answer?.json !== undefined) call.result = answer.json;
      calls.push(call);
      emit({ type: 'call', call });
    } else {
      answer ??= fault?.kind === 'reset' ? undefined : { status: 200, json: (overrides.get(name) ?? methods.response_url!)(args) };
      const response: RecordedResponse = { id: route.id, body: args, at };
      responses.push(response);
      emit({ type: 'response', response });
    }
    if (answer === undefined || fault?.kind === 'resetAfterApplying') {
      req.socket.destroy(); // the app sees a dropped connection
      return;
    }
    if (fault?.kind === 'answerLate') {
      await sleep(fault.ms);
      if (res.destroyed) return; // the client gave up waiting, as intended
    }
    send(res, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, text: `stand-in error: ${String(error)}` });
      else res.destroy();
    });
  });
  // While "down", drop every connection as it arrives, so clients fail fast as if Slack were unreachable.
  server.on('connection', (socket) => {
    if (down) socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => socketMode.handleUpgrade(req, socket, head));

  const waitFor = <T>(
    what: string,
    pick: (event: SlackActivity) => T | undefined,
    existing: T | undefined,
    seen: () => string,
    timeoutMs: number,
  ): Promise<T> => {
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`${what} timed out after ${timeoutMs}ms; seen: ${seen() || 'nothing'}`));
      }, timeoutMs);
      const unsubscribe = standin.onActivity((event) => {
        let found: T | undefined;
        try {
          found = pick(event);
        } catch (error) {
          found = undefined;
          clearTimeout(timer);
          unsubscribe();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        if (found === undefined) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(found);
      });
    });
  };

  const standin: SlackStandin = {
    get apiUrl() {
      return `${started()}${API_PREFIX}`;
    },
    socketMode,
    calls,
    responses,
    get stalled() {
      return stalled;
    },
    responseUrl: (id) => `${started()}${RESPONSE_PREFIX}${encodeURIComponent(id)}`,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitForCall(method, predicate = () => true, timeoutMs = 5000) {
      const matches = (c: RecordedSlackCall): boolean => c.method === method && predicate(c);
      return waitFor(
        `waitForCall(${method})`,
        (e) => (e.type === 'call' && matches(e.call) ? e.call : undefined),
        calls.find(matches),
        () => calls.map((c) => `${c.method} ${abbreviate(c.args)}`).join('; '),
        timeoutMs,
      );
    },
    waitForResponse(predicate = () => true, timeoutMs = 5000) {
      return waitFor(
        'waitForResponse',
        (e) => (e.type === 'response' && predicate(e.response) ? e.response : undefined),
        responses.find(predicate),
        () => responses.map((r) => `${r.id} ${abbreviate(r.body)}`).join('; '),
        timeoutMs,
      );
    },
    messages: (channel) => (channels.get(channel) ?? []).map((m) => ({ ...m })),
    onActivity(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    injectFault(method, fault, times = 1) {
      faults.push({ method, fault, left: times });
    },
    override(method, handler) {
      if (handler === undefined) overrides.delete(method);
      else overrides.set(method, handler);
    },
    setChannelRateLimit(intervalMs) {
      rateLimitMs = intervalMs;
      lastPost.clear();
    },
    setDown(value) {
      down = value;
      // Kept-alive sockets would otherwise still reach us.
      if (value) {
        server.closeAllConnections();
        socketMode.dropConnections();
      }
    },
    setUserGroups(groups) {
      userGroups = structuredClone(groups);
    },
    setUsers(map) {
      users = structuredClone(map);
    },
    reset() {
      calls.length = 0;
      responses.length = 0;
      channels.clear();
      views.clear();
      faults.length = 0;
      overrides.clear();
      standin.setChannelRateLimit(undefined);
      down = false;
    },
    start(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          resolve(standin.apiUrl);
        });
      });
    },
    stop() {
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        // Upgraded sockets are no longer the HTTP server's to close.
        socketMode.dropConnections();
      });
    },
  };

  function started(): string {
    if (origin === undefined) throw new Error('Slack stand-in not started: call start() first');
    return origin;
  }

  return standin;
}

/** The `message` object Slack returns for a posted or updated message. */
function slackMessage(message: PostedMessage): Json {
  return {
    type: 'message',
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    team: TEAM_ID,
    text: message.text ?? '',
    blocks: message.blocks,
    ts: message.ts,
    thread_ts: message.thread_ts,
  };
}

function routeOf(path: string): { kind: 'api'; method: string } | { kind: 'response'; id: string } | undefined {
  if (path.startsWith(API_PREFIX)) {
    const method = path.slice(API_PREFIX.length);
    return /^[a-zA-Z0-9]+(\.[a-zA-Z0-9]+)+$/.test(method) ? { kind: 'api', method } : undefined;
  }
  if (path.startsWith(RESPONSE_PREFIX) && path.length > RESPONSE_PREFIX.length) {
    return { kind: 'response', id: decodeURIComponent(path.slice(RESPONSE_PREFIX.length)) };
  }
  return undefined;
}

/** Reads a JSON or urlencoded body; throws on invalid JSON. Form values that look like JSON are parsed back. */
async function readBody(req: IncomingMessage): Promise<Args> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? parsed : {};
  }
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) args[key] = parseJsonLooking(value);
  return args;
}

/** WebClient sends objects (blocks, view, attachments) as JSON strings inside the form. */
function parseJsonLooking(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = answer.json
    ? { 'content-type': 'application/json; charset=utf-8' }
    : { 'content-type': 'text/plain; charset=utf-8' };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  res.writeHead(answer.status, headers);
  res.end(answer.json ? JSON.stringify(answer.json) : (answer.text ?? ''));
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function abbreviate(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Waits `ms`, or less if the client's connection closes first; resolves whether it is still there. */
function heldUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const closed = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', closed);
      resolve(!res.destroyed);
    }, ms).unref();
    res.once('close', closed);
  });
}

function sleep(ms: number): Promise<void> {
  // Unref'd: a held answer must not keep a test process alive after stop().
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
