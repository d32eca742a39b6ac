/**
 * Every way a DART call can fail, as one class each under a common base, so callers can
 * tell them apart with `instanceof` or by `kind` and say something useful to a person.
 */
export type DartErrorKind = 'unauthorized' | 'not_found' | 'rejected' | 'server' | 'timeout' | 'network' | 'bad_response';

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

/** 404: no such customer (or endpoint). */
export class DartNotFoundError extends DartError {
  override name = 'DartNotFoundError';
  readonly kind = 'not_found';
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

/** No answer within the timeout. */
export class DartTimeoutError extends DartError {
  override name = 'DartTimeoutError';
  readonly kind = 'timeout';
  readonly outcomeUnknown = true;
}

/** The connection failed or was dropped. */
export class DartNetworkError extends DartError {
  override name = 'DartNetworkError';
  readonly kind = 'network';
  readonly outcomeUnknown = true;
}

/** DART answered 2xx with something that is not the JSON we expect (an HTML page, say). */
export class DartBadResponseError extends DartError {
  override name = 'DartBadResponseError';
  readonly kind = 'bad_response';
  readonly outcomeUnknown = true;
}

export function isDartError(error: unknown): error is DartError {
  return error instanceof DartError;
}
