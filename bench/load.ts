/**
 * The load generator: autocannon, with every response's latency kept (its histogram has no
 * p95) and every status counted, so a route that is not there shows as such.
 */
import autocannon from 'autocannon';
import type { IncomingHttpHeaders } from 'node:http';
import { missing, percentile, type Figure } from './report.ts';

/** One request to send; built afresh for each request (e.g. to sign it now). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: IncomingHttpHeaders;
  body?: string;
}

/** How much load, where. Exactly one of `amount` and `durationSeconds`. */
export interface LoadOptions {
  /** Origin, e.g. `http://127.0.0.1:3000`. */
  origin: string;
  connections: number;
  /** Stop after this many requests… */
  amount?: number;
  /** …or after this many seconds. */
  durationSeconds?: number;
  request: () => LoadRequest;
}

/** What came back. */
export interface LoadResult {
  /** Milliseconds from sending each request to its complete answer, in arrival order. */
  latenciesMs: number[];
  /** Answers per HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (connection errors, timeouts). */
  errors: number;
  elapsedMs: number;
}

/** Runs autocannon to completion and keeps every latency. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.origin,
        connections: options.connections,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
        timeout: 30,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.request() }) }],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve({ latenciesMs, statuses, errors: result.errors + result.timeouts, elapsedMs: performance.now() - started });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latenciesMs.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
}

/** Loads run at the same time (against several instances), as one: every latency, every status, the longest elapsed time. */
export function combineLoads(results: readonly LoadResult[]): LoadResult {
  const statuses = new Map<number, number>();
  for (const result of results) for (const [status, n] of result.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  return {
    latenciesMs: results.flatMap((result) => result.latenciesMs),
    statuses,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    elapsedMs: Math.max(...results.map((result) => result.elapsedMs)),
  };
}

/** How many answers had a 2xx status. */
function successes(result: Pick<LoadResult, 'statuses'>): number {
  let count = 0;
  for (const [status, n] of result.statuses) if (status >= 200 && status < 300) count += n;
  return count;
}

/**
 * Why a load's figures cannot be used, or undefined when they can: no request succeeded
 * (e.g. the route is not there yet: `not available (404)`).
 */
export function unavailability(result: Pick<LoadResult, 'statuses' | 'errors'>): string | undefined {
  if (successes(result) > 0) return undefined;
  const commonest = [...result.statuses].sort((a, b) => b[1] - a[1])[0];
  if (commonest !== undefined) return `not available (${commonest[0]})`;
  return result.errors > 0 ? 'not available (no answer)' : 'not available (nothing sent)';
}

/** The p-th percentile latency of a load, or why there is none. */
export function latencyFigure(result: LoadResult, p: number): Figure {
  const reason = unavailability(result);
  return reason === undefined ? { value: percentile(result.latenciesMs, p) } : missing(reason);
}

/** Successful answers per second over the whole run, or why there is none. */
export function throughputFigure(result: LoadResult): Figure {
  const reason = unavailability(result);
  return reason === undefined ? { value: successes(result) / (result.elapsedMs / 1000) } : missing(reason);
}

/** Answers per status, from a list of statuses. */
export function countStatuses(statuses: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}

/** `290 × 200, 10 × 503, 2 without answer` */
export function describeStatuses(result: Pick<LoadResult, 'statuses' | 'errors'>): string {
  const parts = [...result.statuses].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${n} × ${status}`);
  if (result.errors > 0) parts.push(`${result.errors} without answer`);
  return parts.join(', ') || 'none answered';
}

/** `300 requests in 1.2 s: 300 × 200` */
export function describeLoad(result: LoadResult): string {
  return `${result.latenciesMs.length + result.errors} requests in ${(result.elapsedMs / 1000).toFixed(1)} s: ${describeStatuses(result)}`;
}
