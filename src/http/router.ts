import type { IncomingMessage, ServerResponse } from 'node:http';
import { InFlight } from '../util/in-flight.ts';
import type { Logger } from '../util/logger.ts';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** Told of every answer a route sent: the route's path (never the raw target) and the status. */
export type ResponseObserver = (path: string, status: number) => void;

/** Writes a JSON answer (unless one was already started). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * The app's one HTTP listener: exact method + path routes (Slack, webhooks, health) with
 * every handler wrapped, because an async handler that throws would otherwise leave the
 * request hanging and the error unlogged.
 */
export class HttpRouter {
  readonly #routes = new Map<string, Map<string, RouteHandler>>();
  readonly #logger: Logger;
  readonly #observers: ResponseObserver[] = [];
  /** Handlers still running (a drain waits for them). */
  readonly #inFlight = new InFlight();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    const byMethod = this.#routes.get(path) ?? new Map<string, RouteHandler>();
    byMethod.set(method, handler);
    this.#routes.set(path, byMethod);
  }

  /** Calls `observer` once for every answer a registered route sends (metrics). */
  observe(observer: ResponseObserver): void {
    this.#observers.push(observer);
  }

  /** Settles once no handler is running (including those that start while it waits). */
  idle(): Promise<void> {
    return this.#inFlight.idle();
  }

  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    // Node accepts request targets that URL does not (`//`, `http://a b/`): such a request
    // gets a 400, and must never throw here, outside every handler's catch.
    const path = URL.parse(request.url ?? '/', 'http://localhost')?.pathname;
    if (path === undefined) return sendJson(response, 400, { error: 'bad_request_target' });
    const byMethod = this.#routes.get(path);
    const handler = byMethod?.get(request.method ?? '');
    if (!byMethod) return sendJson(response, 404, { error: 'not_found' });
    if (!handler) return sendJson(response, 405, { error: 'method_not_allowed' }, { allow: [...byMethod.keys()].join(', ') });
    if (this.#observers.length > 0) {
      response.once('finish', () => {
        for (const observer of this.#observers) observer(path, response.statusCode);
      });
    }
    void this.#inFlight.track(
      Promise.resolve()
        .then(() => handler(request, response))
        .catch((error: unknown) => {
          this.#logger.error({ err: error, path }, 'HTTP handler failed');
          sendJson(response, 500, { error: 'internal_error' });
        }),
    );
  };
}
