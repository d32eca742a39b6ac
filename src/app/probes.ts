import type { OutboxStats } from '../alerts/repository.ts';
import type { DartProbeReport } from '../dart/probe.ts';
import { sendJson, type HttpRouter } from '../http/router.ts';

/** Where the app stands: serving only when `ready`; `stopping` from the first moment of a shutdown. */
export type ReadyState = 'starting' | 'ready' | 'stopping';

export interface ProbeSources {
  state: () => ReadyState;
  mode: 'http' | 'socket';
  /** The storage engine's name, and whether it answers. */
  storage: { readonly engine: string; ping(): Promise<boolean> };
  outbox: () => Promise<OutboxStats>;
  /** What the start-up probe found at DART_API_URL (it never makes the app unready). */
  dart: () => DartProbeReport;
}

/**
 * The three health routes:
 * - `/livez` answers 200 while the process can answer at all (restart it when this fails);
 * - `/readyz` answers 200 only while ready and the database answers a trivial query, 503
 *   otherwise, and 503 from the first moment of a shutdown, so a load balancer stops
 *   sending before the drain ends;
 * - `/healthz` is the detailed view for people: state, mode, database engine and whether it
 *   answers, outbox, DART; 503 as well while the database does not answer.
 */
export function registerProbes(router: HttpRouter, sources: ProbeSources): void {
  router.add('GET', '/livez', (_request, response) => sendJson(response, 200, { status: 'alive' }));
  router.add('GET', '/readyz', async (_request, response) => {
    const state = sources.state();
    const database = await sources.storage.ping();
    const ready = state === 'ready' && database;
    sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : state === 'ready' ? 'database_unreachable' : state });
  });
  router.add('GET', '/healthz', async (_request, response) => {
    const state = sources.state();
    // The outbox figures come from the database: when it cannot answer, say so instead.
    const outbox = await sources.outbox().catch(() => undefined);
    const reachable = outbox !== undefined;
    sendJson(response, state === 'ready' && reachable ? 200 : 503, {
      status: state === 'ready' && !reachable ? 'database_unreachable' : state,
      mode: sources.mode,
      database: sources.storage.engine,
      databaseReachable: reachable,
      outbox: outbox ?? null,
      dart: sources.dart(),
    });
  });
}
