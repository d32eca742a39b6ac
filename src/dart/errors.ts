/**
 * Every way a DART call can fail, as one class each under a common base, so callers can
 * tell them apart with `instanceof` or by `kind` and say something useful to a person.
 */
export type DartErrorKind =
  | 'unauthorized'
  | 'not_found'
  | 'wrong_url'
  | 'rejected'
  | 'rate_limited'
  | 'redirected'
  | 'server'
  | 'timeout'
  | 'network'
  | 'bad_response';

export abstract class DartError extends Error {
  abstract readonly kind: DartErrorKind;
  /** True when DART may have acted on the request although we have no answer. */
  abstract readonly outcomeUnknown: boolean;
  readonly endpoint: string;
  constructor(endpoint: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.endpoint = endpoint;
  }
}

/** 401/403: DART refused our bearer token. */
export class DartUnauthorizedError extends DartError {
  override name = 'DartUnauthorizedError';
  readonly kind = 'unauthorized';
  readonly outcomeUnknown = false;
}

/**
 * 404 with DART's own answer, a Laravel message such as "Customer not found." or
 * "Token not found."; `missing` is what DART says it did not find (`customer`, `token`),
 * `searched` the parameters of the request (`dart_user_name`, `token`).
 */
export class DartNotFoundError extends DartError {
  override name = 'DartNotFoundError';
  readonly kind = 'not_found';
  readonly outcomeUnknown = false;
  readonly dartMessage: string;
  readonly missing: string;
  readonly searched: Record<string, string>;
  constructor(endpoint: string, dartMessage: string, missing: string, searched: Record<string, string>) {
    super(endpoint, dartMessage);
    this.dartMessage = dartMessage;
    this.missing = missing;
    this.searched = searched;
  }
}

/**
 * An answer DART's API never gives at a documented endpoint (a 404 that is not DART's own
 * not-found, a 405): `DART_API_URL` points somewhere else. Nothing was done there.
 */
export class DartWrongUrlError extends DartError {
  override name = 'DartWrongUrlError';
  readonly kind = 'wrong_url';
  readonly outcomeUnknown = false;
}

/** 400/409/422: DART understood the request and refused it; `dartMessage` says why. */
export class DartRejectedError extends DartError {
  override name = 'DartRejectedError';
  readonly kind = 'rejected';
  readonly outcomeUnknown = false;
  readonly status: number;
  readonly dartMessage: string;
  /** Laravel-style per-field messages, when DART sent them (`{ email: ['taken'] }`). */
  readonly fieldErrors: Record<string, string[]>;
  constructor(endpoint: string, status: number, dartMessage: string, fieldErrors: Record<string, string[]> = {}) {
    super(endpoint, `DART refused the request (${status}): ${dartMessage}`);
    this.status = status;
    this.dartMessage = dartMessage;
    this.fieldErrors = fieldErrors;
  }
}

/**
 * 429: DART is limiting our requests. Its throttle refuses a request before handling it, so
 * nothing was done. `retryAfterMs` is how long DART asked us to wait, when it said.
 */
export class DartRateLimitedError extends DartError {
  override name = 'DartRateLimitedError';
  readonly kind = 'rate_limited';
  readonly outcomeUnknown = false;
  readonly retryAfterMs: number | undefined;
  constructor(endpoint: string, retryAfterMs: number | undefined) {
    super(
      endpoint,
      `DART is limiting requests (429)${retryAfterMs === undefined ? '' : `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s`}`,
    );
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * A 3xx the client did not follow: any redirect of a write (DART may have acted before
 * redirecting, so the outcome is unknown), or a read sent to another origin.
 */
export class DartRedirectError extends DartError {
  override name = 'DartRedirectError';
  readonly kind = 'redirected';
  readonly outcomeUnknown: boolean;
  readonly status: number;
  constructor(endpoint: string, status: number, message: string, outcomeUnknown: boolean) {
    super(endpoint, message);
    this.status = status;
    this.outcomeUnknown = outcomeUnknown;
  }
}

/** 5xx (or any other unexpected status): DART failed; a write may or may not have happened. */
export class DartServerError extends DartError {
  override name = 'DartServerError';
  readonly kind = 'server';
  readonly outcomeUnknown = true;
  readonly status: number;
  constructor(endpoint: string, status: number) {
    super(endpoint, `DART answered HTTP ${status}`);
    this.status = status;
  }
}

/** No whole answer (headers and body) within the deadline. */
export class DartTimeoutError extends DartError {
  override name = 'DartTimeoutError';
  readonly kind = 'timeout';
  readonly outcomeUnknown = true;
}

/**
 * The connection failed or was dropped. `unreachable` when no connection was ever made
 * (host not found, connection refused): then nothing was sent and the outcome is known.
 */
export class DartNetworkError extends DartError {
  override name = 'DartNetworkError';
  readonly kind = 'network';
  readonly outcomeUnknown: boolean;
  readonly unreachable: boolean;
  /** The host the client tried, for "check DART_API_URL". */
  readonly host: string;
  constructor(endpoint: string, host: string, unreachable: boolean, options?: ErrorOptions) {
    super(
      endpoint,
      unreachable ? `Could not connect to DART at ${host} (check DART_API_URL)` : `The connection to DART at ${host} failed or was dropped`,
      options,
    );
    this.host = host;
    this.unreachable = unreachable;
    this.outcomeUnknown = !unreachable;
  }
}

/**
 * DART answered 2xx with something that is not the answer we expect: an HTML page, or for
 * a write a body that does not read as a success (`dartMessage` holds what it said).
 */
export class DartBadResponseError extends DartError {
  override name = 'DartBadResponseError';
  readonly kind = 'bad_response';
  readonly outcomeUnknown = true;
  readonly dartMessage: string | undefined;
  constructor(endpoint: string, message: string, dartMessage?: string) {
    super(endpoint, message);
    this.dartMessage = dartMessage;
  }
}

/** A body beyond any real DART answer (`MAX_BODY_BYTES`), abandoned unread. */
export class DartTooLargeError extends DartBadResponseError {
  override name = 'DartTooLargeError';
}

export function isDartError(error: unknown): error is DartError {
  return error instanceof DartError;
}
