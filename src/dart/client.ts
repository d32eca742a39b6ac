import { setTimeout as sleep } from 'node:timers/promises';
import ky, { type KyInstance, type Options } from 'ky';
import type { z } from 'zod';
import { notFoundSubject, quoteAnswer, readErrorBody, retryAfterMs, writeSuccess } from './answers.ts';
import {
  DartBadResponseError,
  type DartError,
  DartNetworkError,
  DartNotFoundError,
  DartRateLimitedError,
  DartRedirectError,
  DartRejectedError,
  DartServerError,
  DartTimeoutError,
  DartTooLargeError,
  DartUnauthorizedError,
  DartWrongUrlError,
} from './errors.ts';
import {
  DECIMAL_FIELDS,
  customerSchema,
  tokenValueSchema,
  tradeScriptDetailsSchema,
  usdcBalanceSchema,
  type Customer,
  type TradeScript,
  type WriteAnswer,
} from './schemas.ts';

export interface DartClientOptions {
  /** Base URL ending with a slash, e.g. `https://api.dart.cash/api/`. */
  baseUrl: string;
  token: string;
  /** One deadline for a whole call, headers and body; for reads it bounds all attempts together. */
  timeoutMs: number;
  /** How many times a read is retried after a transient failure (network, 408, 429, 5xx). */
  readRetries?: number;
}

export interface NewCustomer {
  first_name: string;
  last_name: string;
  user_name: string;
  email: string;
  password: string;
}

export interface CustomerUpdate {
  dart_user_name: string;
  first_name: string;
  last_name: string;
  email: string;
  /** Left out when unchanged. */
  password?: string;
}

export type TradeScriptAccess = { enabled: true } | { enabled: false; hours: number };

/** One DART call as the client saw it, for logs and metrics: never the token nor request bodies. */
export interface DartCallRecord {
  endpoint: string;
  /** The last HTTP status DART answered, or why there was none. */
  status: number | 'timeout' | 'network';
  ms: number;
}

/** One request to DART, before it is sent. */
interface DartRequest {
  endpoint: string;
  method: 'get' | 'post';
  query?: Record<string, string>;
  body?: Options['body'];
  json?: unknown;
}

/** A 2xx answer, read whole. */
interface DartAnswer {
  text: string;
}

/** The largest body read from DART; no real DART answer comes near it. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Redirects a read may follow (same origin only) before it is taken for a loop. */
const MAX_REDIRECTS = 5;

/** Failures after which a read is tried again (while the deadline allows). */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Connection errors that mean nothing reached DART: the request never left. */
const NEVER_CONNECTED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

/**
 * The DART partner API, one method per endpoint of DART's partner API page, typed in and out.
 * Every call, read or write, is bounded end to end (headers and body) by one deadline.
 * Reads retry transient failures with backoff within it and follow same-origin redirects;
 * writes are sent exactly once and never follow a redirect, so a caller that gets a
 * `DartError` with `outcomeUnknown` must not resend.
 */
export class DartClient {
  readonly #http: KyInstance;
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #readRetries: number;
  readonly #onCall: (call: DartCallRecord) => void;
  readonly #token: string;

  constructor(options: DartClientOptions, onCall: (call: DartCallRecord) => void = () => {}) {
    // One attempt per ky call: retries, redirects and the deadline are this client's own.
    this.#http = ky.create({
      headers: { Accept: 'application/json', Authorization: `Bearer ${options.token}` },
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      redirect: 'manual',
    });
    this.#base = new URL(options.baseUrl);
    this.#timeoutMs = options.timeoutMs;
    this.#readRetries = options.readRetries ?? 2;
    this.#onCall = onCall;
    this.#token = options.token;
  }

  /** The base URL as it may be logged: no credentials, no query. */
  get baseUrl(): string {
    return shown(this.#base);
  }

  /** `customer/get`: name, user name and email. */
  getCustomer(userName: string): Promise<Customer> {
    return this.#get('customer/get', { dart_user_name: userName }, customerSchema);
  }

  /** `customer/usdc-balance`: the total USDC balance as a decimal string. */
  async getUsdcBalance(userName: string): Promise<string> {
    const body = await this.#get('customer/usdc-balance', { dart_user_name: userName }, usdcBalanceSchema);
    return body.total_usdc_balance;
  }

  /** `customer/trade-script-details`: every trade script of the customer. */
  async getTradeScripts(userName: string): Promise<TradeScript[]> {
    const body = await this.#get('customer/trade-script-details', { dart_user_name: userName }, tradeScriptDetailsSchema);
    return body.data;
  }

  /** `customer/token-value`: the value of one custom token (e.g. `Chaos`) as a decimal string. */
  async getTokenValue(userName: string, token: string): Promise<string> {
    const body = await this.#get('customer/token-value', { dart_user_name: userName, token }, tokenValueSchema);
    return body.token_value;
  }

  /** `customer/create`, sent as form parameters. */
  createCustomer(customer: NewCustomer): Promise<WriteAnswer> {
    return this.#write({ endpoint: 'customer/create', method: 'post', body: new URLSearchParams({ ...customer }) });
  }

  /** `customer/update`, sent as form parameters; a missing password is left unchanged. */
  updateCustomer(update: CustomerUpdate): Promise<WriteAnswer> {
    const fields: Record<string, string> = { ...update };
    if (update.password === undefined) delete fields.password;
    return this.#write({ endpoint: 'customer/update', method: 'post', body: new URLSearchParams(fields) });
  }

  /** `customer/update-tsp-status`: restrict trade scripts for whole hours, or lift the restriction. */
  setTradeScriptAccess(userName: string, access: TradeScriptAccess): Promise<WriteAnswer> {
    const fields: Record<string, string> = {
      dart_user_name: userName,
      external_tsp_status: String(access.enabled),
    };
    if (!access.enabled) fields.tsp_duration = String(access.hours);
    return this.#write({ endpoint: 'customer/update-tsp-status', method: 'post', body: new URLSearchParams(fields) });
  }

  /** `customer/transfer-amount` with the JSON body `{ userId, amount }`; `amount` is a decimal string. */
  transferAmount(userName: string, amount: string): Promise<WriteAnswer> {
    return this.#write({ endpoint: 'customer/transfer-amount', method: 'post', json: { userId: userName, amount } });
  }

  async #get<T>(endpoint: string, query: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const { text } = await this.#call({ endpoint, method: 'get', query });
    let json: unknown;
    try {
      // A number in a money field keeps the text DART sent (`context.source`), never a double.
      json = JSON.parse(text, (key, value: unknown, context?: { source?: string }) =>
        typeof value === 'number' && DECIMAL_FIELDS.has(key) && context?.source !== undefined ? context.source : value,
      );
    } catch {
      throw new DartBadResponseError(endpoint, `DART answered with something that is not JSON (${quoteAnswer(text)})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'body';
      throw new DartBadResponseError(endpoint, `DART's answer did not have the expected shape (at ${where})`);
    }
    return parsed.data;
  }

  /** A write succeeds only on a 2xx whose body reads as a success (see `writeSuccess`); any other 2xx is unknown. */
  async #write(request: DartRequest): Promise<WriteAnswer> {
    const { text } = await this.#call(request);
    const success = writeSuccess(text, request.endpoint);
    if (success !== undefined) return success;
    const said = quoteAnswer(text);
    throw new DartBadResponseError(request.endpoint, `DART answered 2xx but not with a success: ${said}`, said);
  }

  /**
   * Runs a call against one deadline. The deadline is a timer of its own that the whole
   * call, body included, races: aborting alone is not enough, because ky merges our signal
   * into one that only weak references keep alive once headers have arrived, so after a
   * garbage collection an abort may never reach a stalled body. The abort still runs, to
   * free the connection.
   */
  async #call(request: DartRequest): Promise<DartAnswer> {
    const started = performance.now();
    const controller = new AbortController();
    const seen: { status?: number } = {};
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DartTimeoutError(request.endpoint, 'DART did not answer in time')), this.#timeoutMs);
    });
    let status: DartCallRecord['status'] = 'network';
    try {
      const answer = await Promise.race([this.#attempts(request, controller.signal, Date.now() + this.#timeoutMs, seen), deadline]);
      status = seen.status ?? status;
      return answer;
    } catch (error) {
      status = error instanceof DartTimeoutError ? 'timeout' : (seen.status ?? 'network');
      throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
      this.#onCall({ endpoint: request.endpoint, status, ms: Math.round(performance.now() - started) });
    }
  }

  async #attempts(request: DartRequest, signal: AbortSignal, deadlineAt: number, seen: { status?: number }): Promise<DartAnswer> {
    const read = request.method === 'get';
    let url = new URL(request.endpoint, this.#base);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    let redirects = 0;
    for (let attempt = 0; ; attempt += 1) {
      const retry = async (waitMs: number): Promise<boolean> => {
        if (!read || attempt >= this.#readRetries || Date.now() + waitMs >= deadlineAt) return false;
        await sleep(waitMs, undefined, { signal });
        return true;
      };
      let response: Response;
      try {
        response = await this.#http(url, { method: request.method, body: request.body, json: request.json, signal });
      } catch (error) {
        const failure = networkError(request.endpoint, url, error);
        if (!failure.unreachable && (await retry(backoffMs(attempt)))) continue;
        throw failure;
      }
      seen.status = response.status;
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        redirects += 1;
        url = followable(request, url, response, redirects);
        attempt -= 1; // following a redirect is not a retry
        continue;
      }
      const text = this.#masked(await readBody(request.endpoint, response));
      if (response.ok) return { text };
      if (RETRIED_STATUSES.has(response.status)) {
        const asked = response.status === 429 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : undefined;
        if (await retry(asked ?? backoffMs(attempt))) continue;
        if (response.status === 429) throw new DartRateLimitedError(request.endpoint, asked);
      }
      throw statusError(request, url, response.status, text);
    }
  }

  /** DART's answer with this client's token masked: whatever DART echoes is quoted to Slack, the audit and logs. */
  #masked(text: string): string {
    return this.#token === '' ? text : text.replaceAll(this.#token, '[redacted]');
  }
}

/**
 * A body as text, at most `MAX_BODY_BYTES`: beyond it the read is abandoned (for a write,
 * an unknown outcome, as `DartBadResponseError` always is).
 */
async function readBody(endpoint: string, response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    // Throwing out of the loop cancels the stream, freeing the connection.
    if (size > MAX_BODY_BYTES) {
      throw new DartTooLargeError(endpoint, 'DART sent an answer too large to read');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Where a redirect may be followed: only a read, only to DART's own origin (the bearer
 * token must never reach another host). Anything else is thrown: for a write DART may have
 * acted before redirecting, so its outcome is unknown.
 */
function followable(request: DartRequest, from: URL, response: Response, hops: number): URL {
  const location = response.headers.get('location');
  const status = response.status;
  if (request.method !== 'get') {
    throw new DartRedirectError(
      request.endpoint,
      status,
      `DART redirected a write (HTTP ${status}); writes never follow redirects, so its outcome is unknown`,
      true,
    );
  }
  const target = location === null ? undefined : URL.parse(location, from.href);
  if (target === undefined || target === null) {
    throw new DartRedirectError(request.endpoint, status, `DART answered HTTP ${status} without a usable Location`, false);
  }
  if (target.origin !== from.origin) {
    throw new DartRedirectError(
      request.endpoint,
      status,
      `DART redirected to another origin (${target.origin}); not followed, so the token stays with DART (check DART_API_URL)`,
      false,
    );
  }
  if (hops > MAX_REDIRECTS)
    throw new DartRedirectError(request.endpoint, status, `DART redirected more than ${MAX_REDIRECTS} times`, false);
  return target;
}

/** The error for a non-2xx, non-3xx answer that will not be retried (a 429 is thrown where its Retry-After is read). */
function statusError(request: DartRequest, url: URL, status: number, text: string): DartError {
  const { endpoint } = request;
  const body = readErrorBody(text);
  if (status === 401 || status === 403) return new DartUnauthorizedError(endpoint, `DART refused the API token (${status})`);
  if (status === 404) {
    const dart = notFoundSubject(text);
    if (dart) return new DartNotFoundError(endpoint, dart.message, dart.missing, request.query ?? {});
  }
  if (status === 404 || status === 405) {
    return new DartWrongUrlError(
      endpoint,
      `DART_API_URL looks wrong: ${shown(url)} answered HTTP ${status} (${quoteAnswer(text)}), not DART's own answer`,
    );
  }
  if (status === 400 || status === 409 || status === 422) {
    return new DartRejectedError(endpoint, status, body?.message ?? `HTTP ${status} without a message`, body?.fields ?? {});
  }
  return new DartServerError(endpoint, status);
}

function networkError(endpoint: string, url: URL, error: unknown): DartNetworkError {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return new DartNetworkError(endpoint, url.host, typeof code === 'string' && NEVER_CONNECTED.has(code), { cause: error });
}

/** A URL as it may be logged: no credentials, no query. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Jittered exponential backoff for a read's next attempt: up to 0.3 s, 0.6 s, … at most 2 s. */
function backoffMs(attempt: number): number {
  return Math.round(Math.min(2000, 300 * 2 ** attempt) * (0.5 + Math.random() / 2));
}
