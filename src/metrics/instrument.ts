import { WEBHOOK_NAMES } from '../alerts/schemas.ts';
import type { AuditLog } from '../audit/log.ts';
import type { HttpRouter } from '../http/router.ts';
import { transferOutcomeOf, type AppMetrics, type SharedState } from './metrics.ts';
import { registerMetricsRoute } from './route.ts';

export interface InstrumentedParts {
  router: HttpRouter;
  audit: AuditLog;
  /** `WEBHOOK_PATH_PREFIX`, to tell webhook routes apart. */
  webhookPrefix: string;
  /** `METRICS_TOKEN`, when set. */
  token: string | undefined;
  shared: SharedState;
}

/**
 * Hangs the metrics on the app's existing seams, so no capability carries instrumentation:
 * webhook answers from the router, transfer outcomes from the audit log, gauges from the
 * store at scrape time; and serves `GET /metrics`. (DART calls come from `DartClient`'s
 * `onCall`, Slack API errors from the Web API clients' `fetch`, both set where those are built.)
 */
export function instrument(metrics: AppMetrics, parts: InstrumentedParts): void {
  const webhookKinds = new Map<string, string>(WEBHOOK_NAMES.map((name) => [`${parts.webhookPrefix}/webhook/${name}`, name]));
  parts.router.observe((path, status) => {
    const kind = webhookKinds.get(path);
    if (kind !== undefined) metrics.webhookAnswered(kind, status);
  });
  parts.audit.onRecord((entry) => {
    const outcome = transferOutcomeOf(entry);
    if (outcome !== undefined) metrics.transferFinished(outcome);
  });
  metrics.readShared(parts.shared);
  registerMetricsRoute(parts.router, metrics, parts.token);
}
