import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import type { z } from 'zod';
import {
  DartBadResponseError,
  DartError,
  DartNetworkError,
  DartNotFoundError,
  DartRejectedError,
  DartServerError,
  DartTimeoutError,
  DartUnauthorizedError,
} from './errors.ts';
import {
  customerSchema,
  errorBodySchema,
  tokenValueSchema,
  tradeScriptDetailsSchema,
  usdcBalanceSchema,
  writeAnswerSchema,
  type Customer,
  type TradeScript,
  type WriteAnswer,
} from './schemas.ts';

export interface DartClientOptions {
  /** Base URL ending with a slash, e.g. `https://api.dart.cash/api/`. */
  baseUrl: string;
  token: string;
  /** Per-request timeout; for reads it bounds all attempts together. */
  timeoutMs: number;
  /** How many times a read is retried after a transient failure (network, 5xx, 429). */
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

/** One DART call as the client saw it, for logs: never the token nor request bodies. */
export interface DartCallRecord {
  endpoint: string;
  status: number | 'timeout' | 'network';
  ms: number;
}

/**
 * The DART partner API, one method per endpoint of the vendor page, typed in and out.
 * Reads retry transient failures with backoff; writes are sent exactly once, never
 * retried, so a caller that gets a `DartError` with `outcomeUnknown` must not resend.
 */
export class DartClient {
  readonly #reads: KyInstance;
  readonly #writes: KyInstance;
  readonly #onCall: (call: DartCallRecord) => void;

  constructor(options: DartClientOptions, onCall: (call: DartCallRecord) => void = () => {}) {
    const shared: Options = {
      prefixUrl: options.baseUrl,
      timeout: options.timeoutMs,
      headers: { Accept: 'application/json', Authorization: `Bearer ${options.token}` },
    };
    this.#reads = ky.create({
      ...shared,
      retry: {
        limit: options.readRetries ?? 2,
        methods: ['get'],
        statusCodes: [408, 429, 500, 502, 503, 504],
        backoffLimit: 2000,
        jitter: true,
      },
    });
    this.#writes = ky.create({ ...shared, retry: { limit: 0 } });
    this.#onCall = onCall;
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
    return this.#write('customer/create', { body: new URLSearchParams({ ...customer }) });
  }

  /** `customer/update`, sent as form parameters; a missing password is left unchanged. */
  updateCustomer(update: CustomerUpdate): Promise<WriteAnswer> {
    const fields: Record<string, string> = { ...update };
    if (update.password === undefined) delete fields.password;
    return this.#write('customer/update', { body: new URLSearchParams(fields) });
  }

  /** `customer/update-tsp-status`: restrict trade scripts for whole hours, or lift the restriction. */
  setTradeScriptAccess(userName: string, access: TradeScriptAccess): Promise<WriteAnswer> {
    const fields: Record<string, string> = {
      dart_user_name: userName,
      external_tsp_status: String(access.enabled),
    };
    if (!access.enabled) fields.tsp_duration = String(access.hours);
    return this.#write('customer/update-tsp-status', { body: new URLSearchParams(fields) });
  }

  /** `customer/transfer-amount` with the JSON body `{ userId, amount }`; `amount` is a decimal string. */
  transferAmount(userName: string, amount: string): Promise<WriteAnswer> {
    return this.#write('customer/transfer-amount', { json: { userId: userName, amount } });
  }

  #get<T>(endpoint: string, searchParams: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    return this.#call(this.#reads, endpoint, { method: 'get', searchParams }, schema);
  }

  #write(endpoint: string, options: Options): Promise<WriteAnswer> {
    return this.#call(this.#writes, endpoint, { ...options, method: 'post' }, writeAnswerSchema);
  }

  async #call<T>(http: KyInstance, endpoint: string, options: Options, schema: z.ZodType<T>): Promise<T> {
    const started = performance.now();
    const record = (status: DartCallRecord['status']) =>
      this.#onCall({ endpoint, status, ms: Math.round(performance.now() - started) });
    let text: string;
    try {
      const response = await http(endpoint, options);
      text = await response.text();
      record(response.status);
    } catch (error) {
      const failure = await toDartError(endpoint, error);
      record(failure instanceof DartTimeoutError ? 'timeout' : failure instanceof DartNetworkError ? 'network' : statusOf(error));
      throw failure;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DartBadResponseError(endpoint, `DART answered with something that is not JSON (${describeBody(text)})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'body';
      throw new DartBadResponseError(endpoint, `DART's answer did not have the expected shape (at ${where})`);
    }
    return parsed.data;
  }
}

function statusOf(error: unknown): number | 'network' {
  return error instanceof HTTPError ? error.response.status : 'network';
}

async function toDartError(endpoint: string, error: unknown): Promise<DartError> {
  if (error instanceof TimeoutError) return new DartTimeoutError(endpoint, 'DART did not answer in time', { cause: error });
  if (!(error instanceof HTTPError)) {
    return new DartNetworkError(endpoint, 'Could not reach DART (connection failed or was dropped)', { cause: error });
  }
  const status = error.response.status;
  const text = await error.response.text().catch(() => '');
  const body = readErrorBody(text);
  if (status === 401 || status === 403) return new DartUnauthorizedError(endpoint, `DART refused the API token (${status})`);
  if (status === 404) return new DartNotFoundError(endpoint, body?.message ?? 'DART found no such record');
  if (status === 400 || status === 409 || status === 422) {
    return new DartRejectedError(endpoint, status, body?.message ?? `HTTP ${status} without a message`, body?.fields ?? {});
  }
  return new DartServerError(endpoint, status);
}

/** Extracts a message and field errors from a JSON error body; undefined for HTML and the like. */
function readErrorBody(text: string): { message?: string; fields: Record<string, string[]> } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json === 'string') return { message: json, fields: {} };
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const fields = Object.fromEntries(
    Object.entries(parsed.data.errors ?? {}).map(([field, messages]) => [field, [messages].flat()]),
  );
  const message = parsed.data.message ?? parsed.data.error ?? Object.values(fields).flat()[0];
  return message === undefined ? { fields } : { message, fields };
}

function describeBody(text: string): string {
  if (text.trim() === '') return 'an empty body';
  if (/^\s*</.test(text)) return 'an HTML page';
  return `${text.length} characters of text`;
}
