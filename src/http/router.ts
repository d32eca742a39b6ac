import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.ts';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

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

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    const byMethod = this.#routes.get(path) ?? new Map<string, RouteHandler>();
    byMethod.set(method, handler);
    this.#routes.set(path, byMethod);
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
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        this.#logger.error({ err: error, path }, 'HTTP handler failed');
        sendJson(response, 500, { error: 'internal_error' });
      });
  };
}
