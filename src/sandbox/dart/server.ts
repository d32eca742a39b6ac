/**
 * A stateful stand-in for DART's partner API on `node:http`, answering the way the real
 * Laravel (Sanctum) API does: same routes, same bodies, same 401/404/405/422 shapes. It
 * records every call and can be told to misbehave (faults, latency) for tests and demos.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { addCustomer, addDecimals, createEmptyState, createSeedState, type DartSandboxState, type SandboxCustomer } from './state.ts';

/** How to build a sandbox. */
export interface DartSandboxOptions {
  /** The bearer token every request must carry; default `sandbox-token`. */
  token?: string;
  /** Start with the seed customers (`billyjoel`, `adaline`, `grace`); default true. */
  seed?: boolean;
}

/** One way for the sandbox to misbehave on a request, see `DartSandbox.injectFault`. */
type DartFault =
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'html' }
  /** A 3xx to `location` (a path on the sandbox, or another host's URL); nothing is done. */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string }
  /** 200 headers and the start of a body that never ends; with `trickleMs`, one more byte every so often. */
  | { kind: 'stall'; trickleMs?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** One request as the sandbox received it, recorded before any fault or check. */
export interface RecordedDartCall {
  method: string;
  /** The path under `/api/`, e.g. `customer/get` (the full path, with its leading slash, for anything outside `/api/`). */
  endpoint: string;
  query: Record<string, string>;
  /** Fields of an `application/x-www-form-urlencoded` body; `{}` otherwise. */
  form: Record<string, string>;
  /** The parsed body when it was sent as JSON; `undefined` otherwise (or when it did not parse). */
  json: unknown;
  /** Whether the request carried the sandbox's bearer token. */
  authorized: boolean;
  at: Date;
}

/** A running (or startable) DART sandbox; see `createDartSandbox`. */
export interface DartSandbox {
  /** Base URL ending in `/api/`; throws before `start()`. */
  readonly url: string;
  readonly state: DartSandboxState;
  readonly calls: RecordedDartCall[];
  callsTo(endpoint: string): RecordedDartCall[];
  /** Queue faults consumed one per matching request, in order. endpoint undefined = any endpoint. */
  injectFault(fault: DartFault, options?: { endpoint?: string; times?: number }): void;
  /** Latency added to every answer until set back to 0. */
  setLatency(ms: number): void;
  /** Requests received and not yet answered (or given up by the client): lets a console wait until DART is idle. */
  readonly inFlight: number;
  clearFaults(): void;
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Bodies above this are refused with 413, as a web server in front of Laravel would. */
const MAX_BODY_BYTES = 1024 * 1024;

type Input = Record<string, string>;
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
type Handler = (input: Input, state: DartSandboxState) => Answer;

/** Creates a sandbox; call `start()` to listen and `stop()` to free the port and every connection. */
export function createDartSandbox(options: DartSandboxOptions = {}): DartSandbox {
  const token = options.token ?? 'sandbox-token';
  const state = options.seed === false ? createEmptyState() : createSeedState();
  const calls: RecordedDartCall[] = [];
  let faults: { fault: DartFault; endpoint: string | undefined; remaining: number }[] = [];
  let latencyMs = 0;
  let inFlight = 0;
  let server: Server | undefined;
  let url: string | undefined;
  // Aborted on stop() so pending delays end at once instead of keeping the process alive.
  let stopping = new AbortController();

  function takeFault(endpoint: string): DartFault | undefined {
    const index = faults.findIndex((queued) => queued.endpoint === undefined || queued.endpoint === endpoint);
    const queued = faults[index];
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining === 0) faults.splice(index, 1);
    return queued.fault;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = new Date();
    const target = new URL(request.url ?? '/', 'http://sandbox');
    const endpoint = target.pathname.startsWith('/api/') ? target.pathname.slice('/api/'.length) : target.pathname;
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const query = Object.fromEntries(target.searchParams);
    const authorized = bearerToken(request) === token;
    calls.push({ method, endpoint, query, form: body.form, json: body.json, authorized, at });

    const fault = takeFault(endpoint);
    if (fault?.kind === 'reset') return void request.socket.destroy();
    if (fault?.kind === 'hang') return; // the socket stays open until the client gives up or stop() closes it
    const wait = latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
    if (wait > 0) await sleep(wait, undefined, { signal: stopping.signal });

    if (fault?.kind === 'status') return writeFault(response, fault);
    if (fault?.kind === 'redirect') return writeRaw(response, fault.status, '', 'text/html; charset=UTF-8', { Location: fault.location });
    if (fault?.kind === 'stall') return stall(response, fault.trickleMs);
    // Outside /api/ is the web server's, not DART's: its 404 is an HTML page, as a wrong DART_API_URL prefix would meet.
    if (!target.pathname.startsWith('/api/')) return writeRaw(response, 404, NOT_FOUND_PAGE, 'text/html; charset=UTF-8');
    if (fault?.kind === 'html') return writeRaw(response, 200, MAINTENANCE_PAGE, 'text/html; charset=UTF-8');
    if (body.tooLarge) return writeJson(response, { status: 413, body: { message: 'The request entity is too large.' } });
    const handler = routes[`${method} ${endpoint}`];
    if (!handler) return writeJson(response, routeMissing(method, endpoint, target.pathname));
    if (!authorized) return writeJson(response, { status: 401, body: { message: 'Unauthenticated.' } });
    writeJson(response, handler(normalize({ ...query, ...body.form, ...jsonFields(body.json) }), state));
  }

  return {
    get url() {
      if (url === undefined) throw new Error('The DART sandbox has no URL before start()');
      return url;
    },
    state,
    calls,
    callsTo: (endpoint) => calls.filter((call) => call.endpoint === endpoint),
    injectFault(fault, { endpoint, times = 1 } = {}) {
      if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
      faults.push({ fault, endpoint, remaining: times });
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    get inFlight() {
      return inFlight;
    },
    clearFaults() {
      faults = [];
    },
    async start(port = 0) {
      if (server) throw new Error('The DART sandbox is already started');
      stopping = new AbortController();
      const started = createServer((request, response) => {
        inFlight += 1;
        response.once('close', () => (inFlight -= 1));
        handle(request, response).catch((error: unknown) => {
          if (isGone(response)) return; // the client left mid-request, or stop() cut a delay short
          console.error('DART sandbox: request failed', error);
          if (!response.headersSent) writeJson(response, { status: 500, body: { message: 'Server Error' } });
          else response.destroy();
        });
      });
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, '127.0.0.1', () => {
          started.off('error', reject);
          resolve();
        });
      });
      server = started;
      url = `http://127.0.0.1:${(started.address() as AddressInfo).port}/api/`;
      return url;
    },
    async stop() {
      const running = server;
      if (!running) return;
      server = undefined;
      stopping.abort();
      const closed = new Promise<void>((resolve) => running.close(() => resolve()));
      running.closeAllConnections(); // idle keep-alive sockets and hung requests alike
      await closed;
    },
  };
}

// --- Routes ----------------------------------------------------------------------------

/** Laravel's rules, reduced to what DART's endpoints need; each returns a message on failure. */
type Check = (value: string | undefined, label: string, input: Input, state: DartSandboxState) => string | undefined;
type Rules = Record<string, Check[]>;

const required: Check = (value, label) => (value === undefined ? `The ${label} field is required.` : undefined);

const requiredWhen =
  (other: string, otherValue: string): Check =>
  (value, label, input) =>
    value === undefined && input[other] === otherValue
      ? `The ${label} field is required when ${labelOf(other)} is ${otherValue}.`
      : undefined;

/** A rule that, as in Laravel, is skipped when the value is missing. */
const rule =
  (passes: (value: string, state: DartSandboxState) => boolean, message: (label: string) => string): Check =>
  (value, label, _input, state) =>
    value === undefined || passes(value, state) ? undefined : message(label);

const email = rule(
  (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value),
  (label) => `The ${label} must be a valid email address.`,
);
const minLength = (min: number) =>
  rule(
    (value) => [...value].length >= min,
    (label) => `The ${label} must be at least ${min} characters.`,
  );
const unusedUserName = rule(
  (value, state) => !state.customers.has(value),
  (label) => `The ${label} has already been taken.`,
);
const trueOrFalse = rule(
  (value) => value === 'true' || value === 'false',
  (label) => `The ${label} field must be true or false.`,
);
const integer = rule(
  (value) => /^-?\d+$/.test(value),
  (label) => `The ${label} must be an integer.`,
);
const atLeastOne = rule(
  (value) => BigInt(value) >= 1n,
  (label) => `The ${label} must be at least 1.`,
);
const amount = rule(
  (value) => /^\d+(\.\d{1,2})?$/.test(value) && /[1-9]/.test(value),
  (label) => `The ${label} must be a valid amount.`,
);

const routes: Record<string, Handler> = {
  'GET customer/get': customerRoute({}, (customer) =>
    ok({
      first_name: customer.first_name,
      last_name: customer.last_name,
      dart_user_name: customer.dart_user_name,
      email: customer.email,
    }),
  ),
  'GET customer/usdc-balance': customerRoute({}, (customer) => ok({ total_usdc_balance: customer.usdc_balance })),
  'GET customer/trade-script-details': customerRoute({}, (customer) => ok({ data: customer.trade_scripts })),
  'GET customer/token-value': customerRoute({ token: [required] }, (customer, input) => {
    const value = Object.hasOwn(customer.tokens, input.token!) ? customer.tokens[input.token!] : undefined;
    return value === undefined ? { status: 404, body: { message: 'Token not found.' } } : ok({ token_value: value });
  }),
  'POST customer/create': (input, state) => {
    const invalid = validate(input, state, {
      first_name: [required],
      last_name: [required],
      user_name: [required, unusedUserName],
      email: [required, email],
      password: [required, minLength(8)],
    });
    if (invalid) return invalid;
    addCustomer(state, {
      first_name: input.first_name!,
      last_name: input.last_name!,
      user_name: input.user_name!,
      email: input.email!,
      password: input.password!,
    });
    return ok('Customer Created Successfully.');
  },
  'POST customer/update': customerRoute(
    { first_name: [required], last_name: [required], email: [required, email], password: [minLength(8)] },
    (customer, input) => {
      customer.first_name = input.first_name!;
      customer.last_name = input.last_name!;
      customer.email = input.email!;
      if (input.password !== undefined) customer.password = input.password;
      return ok('Customer Updated Successfully.');
    },
  ),
  'POST customer/update-tsp-status': customerRoute(
    {
      external_tsp_status: [required, trueOrFalse],
      tsp_duration: [requiredWhen('external_tsp_status', 'false'), integer, atLeastOne],
    },
    (customer, input) => {
      if (input.external_tsp_status === 'true') {
        customer.tsp = { enabled: true };
        return ok('Customer Tsp Access Enabled');
      }
      const hours = Number(input.tsp_duration);
      customer.tsp = { enabled: false, disabledUntil: new Date(Date.now() + hours * 3_600_000) };
      return ok('Customer Tsp Access Disabled');
    },
  ),
  'POST customer/transfer-amount': customerRoute(
    { amount: [required, amount] },
    (customer, input) => {
      customer.usdc_balance = addDecimals(customer.usdc_balance, input.amount!);
      return ok('Amount Transferred Successfully.');
    },
    'userId',
  ),
};

/** A handler that validates `rules` (the user-name field first), then finds the customer or answers 404. */
function customerRoute(rules: Rules, act: (customer: SandboxCustomer, input: Input) => Answer, userField = 'dart_user_name'): Handler {
  return (input, state) => {
    const invalid = validate(input, state, { [userField]: [required], ...rules });
    if (invalid) return invalid;
    const customer = state.customers.get(input[userField]!);
    return customer ? act(customer, input) : { status: 404, body: { message: 'Customer not found.' } };
  };
}

/** Laravel's 422: the first message on top, the first failing rule of every field below. */
function validate(input: Input, state: DartSandboxState, rules: Rules): Answer | undefined {
  const errors: Record<string, string[]> = {};
  for (const [field, checks] of Object.entries(rules)) {
    for (const check of checks) {
      const message = check(input[field], labelOf(field), input, state);
      if (message !== undefined) {
        errors[field] = [message];
        break;
      }
    }
  }
  const first = Object.values(errors)[0]?.[0];
  return first === undefined ? undefined : { status: 422, body: { message: first, errors } };
}

/** `dart_user_name` → `dart user name`, `userId` → `user id`, as Laravel names attributes in messages. */
function labelOf(field: string): string {
  return field
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('_', ' ');
}

/** Laravel's TrimStrings and ConvertEmptyStringsToNull middleware: trimmed, blanks missing; passwords untouched. */
function normalize(input: Input): Input {
  const normalized: Input = {};
  for (const [key, value] of Object.entries(input)) {
    const kept = key === 'password' ? value : value.trim();
    if (kept !== '') normalized[key] = kept;
  }
  return normalized;
}

/** A JSON body's scalar fields as strings, the way PHP sees them in `$request->input()`. */
function jsonFields(json: unknown): Input {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  const fields: Input = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
  }
  return fields;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

/** 404 for an unknown path, 405 (with `Allow`) when the path exists under another method. */
function routeMissing(method: string, endpoint: string, pathname: string): Answer {
  const allowed = Object.keys(routes)
    .filter((key) => key.endsWith(` ${endpoint}`))
    .map((key) => key.split(' ')[0]!);
  if (allowed.length === 0) return { status: 404, body: { message: 'Not found.' } };
  return {
    status: 405,
    body: {
      message: `The ${method} method is not supported for route ${pathname.slice(1)}. Supported methods: ${allowed.join(', ')}.`,
    },
    headers: { Allow: allowed.join(', ') },
  };
}

// --- HTTP plumbing ---------------------------------------------------------------------

interface Body {
  form: Record<string, string>;
  json: unknown;
  tooLarge: boolean;
}

/** Reads the whole body (draining, not keeping, anything past 1 MB so the client still reads our 413). */
async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return { form: {}, json: undefined, tooLarge: true };
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { form: Object.fromEntries(new URLSearchParams(text)), json: undefined, tooLarge: false };
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { form: {}, json: JSON.parse(text) as unknown, tooLarge: false };
    } catch {
      // Laravel treats a JSON body that does not parse as no input at all.
    }
  }
  return { form: {}, json: undefined, tooLarge: false };
}

function bearerToken(request: IncomingMessage): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
}

function writeJson(response: ServerResponse, answer: Answer): void {
  writeRaw(response, answer.status, JSON.stringify(answer.body), 'application/json', answer.headers);
}

function writeRaw(response: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  if (isGone(response)) return; // the client went away while we waited
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

function isGone(response: ServerResponse): boolean {
  return response.destroyed || response.socket === null || response.socket.destroyed;
}

/** A status fault: the given body, or Laravel's JSON `{"message": ...}` for that status. */
function writeFault(response: ServerResponse, fault: Extract<DartFault, { kind: 'status' }>): void {
  if (fault.body === undefined) {
    writeJson(response, { status: fault.status, body: { message: STATUS_CODES[fault.status] ?? 'Error' }, headers: fault.headers });
    return;
  }
  writeRaw(response, fault.status, fault.body, fault.contentType ?? sniffContentType(fault.body), fault.headers);
}

/** Sends headers and a partial body, then nothing more (or a byte every `trickleMs`) until the client leaves or stop() cuts it. */
function stall(response: ServerResponse, trickleMs: number | undefined): void {
  if (isGone(response)) return;
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.write('"Customer');
  if (trickleMs === undefined) return;
  const timer = setInterval(() => response.write(' '), trickleMs);
  response.once('close', () => clearInterval(timer));
}

function sniffContentType(body: string): string {
  if (/^\s*</.test(body)) return 'text/html; charset=UTF-8';
  try {
    JSON.parse(body);
    return 'application/json';
  } catch {
    return 'text/plain; charset=UTF-8';
  }
}

// What the web server in front of DART answers for a path outside the API.
const NOT_FOUND_PAGE = `<!DOCTYPE html>
<html><head><title>404 Not Found</title></head>
<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body>
</html>
`;

// What a proxy or captive portal might serve with a 200 instead of the API's JSON.
const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>DART | Down for maintenance</title></head>
<body><h1>We'll be right back.</h1><p>DART is down for scheduled maintenance.</p></body>
</html>
`;
