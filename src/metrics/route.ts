import { secretMatches } from '../alerts/auth.ts';
import { sendJson, type HttpRouter } from '../http/router.ts';
import type { AppMetrics } from './metrics.ts';

/**
 * `GET /metrics` in Prometheus text format. With `token` set, a scrape must carry
 * `Authorization: Bearer <token>` (compared in constant time); anything else gets 401.
 */
export function registerMetricsRoute(router: HttpRouter, metrics: AppMetrics, token: string | undefined): void {
  router.add('GET', '/metrics', async (request, response) => {
    if (token !== undefined) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!secretMatches(presented, token)) {
        return sendJson(response, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="metrics"' });
      }
    }
    const text = await metrics.render();
    response.writeHead(200, { 'content-type': metrics.contentType });
    response.end(text);
  });
}
